import assert from 'node:assert/strict';
import { test } from 'node:test';
import { submit } from '../lib/accounts.mjs';
import { violationsHere } from '../lib/axe.mjs';
import { PHONE, newContext } from '../lib/browser.mjs';
import { focused, tabTo } from '../lib/focus.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import { picturesSection } from '../lib/pictures.mjs';
import { SHOPPER, adminLogin, basketLines, catalogueCard, pence, placeOrder } from '../lib/shop.mjs';

test(
  'a purchase from the catalogue to the receipt with the keyboard alone',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const page = await (await newContext(browser)).newPage();
    await page.goto(`${url}/`);

    // The first Tab shows the skip link; Enter moves on to the content.
    await page.keyboard.press('Tab');
    const skip = await focused(page);
    assert.equal(skip.text, 'Skip to content');
    const box = await page.locator('.skip-link').boundingBox();
    assert.ok(box && box.y >= 0, 'the focused skip link is on screen');
    await page.keyboard.press('Enter');

    // Quantity 2 of the teapot, then its "Add to basket" button.
    await tabTo(page, (f) => f.id === 'card-qty-2', 'the teapot quantity');
    await page.keyboard.press('ArrowUp');
    await tabTo(page, (f) => f.tag === 'button' && f.text.startsWith('Add to basket'), 'Add to basket');
    // Back at the teapot's card; the message there links to the basket.
    await Promise.all([page.waitForURL(`${url}/#product-2`), page.keyboard.press('Enter')]);
    await tabTo(page, (f) => f.href === '/basket' && f.text === 'View your basket', 'View your basket');
    await Promise.all([page.waitForURL(`${url}/basket`), page.keyboard.press('Enter')]);
    assert.deepEqual(await basketLines(page), [{ name: 'Stoneware Teapot', quantity: 2 }]);

    await tabTo(page, (f) => f.href === '/checkout', 'Check out');
    await Promise.all([page.waitForURL(`${url}/checkout`), page.keyboard.press('Enter')]);

    await tabTo(page, (f) => f.id === 'name', 'Full name');
    await page.keyboard.type(SHOPPER.name);
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).id, 'email');
    await page.keyboard.type(SHOPPER.email);
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).id, 'address');
    await page.keyboard.type(SHOPPER.address);
    await page.keyboard.press('Tab');
    const submit = await focused(page);
    assert.match(submit.text, /^Place order · £/);
    assert.ok(submit.ring);
    await Promise.all([page.waitForURL(/\/orders\/[^/]+$/), page.keyboard.press('Enter')]);

    await page.getByRole('heading', { name: `Thank you, ${SHOPPER.name}` }).waitFor();
    const row = await page.locator('table.lines tbody tr').first().innerText();
    assert.match(row, /Stoneware Teapot/);
    assert.equal(await page.locator('table.lines tbody tr td:nth-child(3)').first().innerText(), '2');
    assert.equal(await page.locator('.address').innerText(), SHOPPER.address);
  }),
);

test(
  'a purchase, with a mistake corrected on the way, works with JavaScript turned off',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${url}/`);

    const card = (id) => page.locator('.product-card').filter({ has: page.locator(`a[href="/products/${id}"]`) });
    await card(5).getByLabel('Quantity of Oak Chopping Board').fill('2');
    await Promise.all([page.waitForURL(`${url}/#product-5`), card(5).getByRole('button', { name: /^Add to basket/ }).click()]);
    await page.goto(`${url}/products/3`);
    await Promise.all([page.waitForURL(`${url}/products/3#product-3`), page.getByRole('button', { name: /^Add to basket/ }).click()]);
    await Promise.all([page.waitForURL(`${url}/basket`), page.getByRole('link', { name: 'View your basket' }).click()]);
    assert.deepEqual(await basketLines(page), [
      { name: 'Linen Tea Towel', quantity: 1 },
      { name: 'Oak Chopping Board', quantity: 2 },
    ]);

    await page.getByLabel('Quantity of Linen Tea Towel').fill('4');
    await Promise.all([
      page.waitForURL(`${url}/basket`),
      page.getByRole('button', { name: 'Update Linen Tea Towel' }).click(),
    ]);
    await Promise.all([
      page.waitForURL(`${url}/basket`),
      page.getByRole('button', { name: 'Remove Oak Chopping Board' }).click(),
    ]);
    assert.deepEqual(await basketLines(page), [{ name: 'Linen Tea Towel', quantity: 4 }]);
    const total = pence(await page.locator('tfoot .total').innerText());

    await Promise.all([page.waitForURL(`${url}/checkout`), page.getByRole('link', { name: 'Check out' }).click()]);
    // The form is novalidate: the server answers a bad email with the form again, values kept.
    await page.getByLabel('Full name').fill(SHOPPER.name);
    await page.getByLabel('Email address').fill('ada at example');
    await page.getByLabel('Delivery address').fill(SHOPPER.address);
    await page.getByRole('button', { name: /^Place order/ }).click();
    await page.locator('.field-error').first().waitFor();
    assert.equal(await page.getByLabel('Full name').inputValue(), SHOPPER.name);
    assert.equal(await page.getByLabel('Email address').getAttribute('aria-invalid'), 'true');

    await page.getByLabel('Email address').fill(SHOPPER.email);
    await Promise.all([
      page.waitForURL(/\/orders\/[^/]+$/),
      page.getByRole('button', { name: /^Place order/ }).click(),
    ]);
    await page.getByRole('heading', { name: `Thank you, ${SHOPPER.name}` }).waitFor();
    assert.equal(pence(await page.locator('tfoot .total').innerText()), total);
  }),
);

test(
  'the ship page, with and without its errors, and an order page listing its emails, one of them not reaching the mail server, pass axe-core',
  { timeout: TEST_TIMEOUT },
  withShop(
    async ({ url, browser, mail }) => {
      const shopper = await (await newContext(browser)).newPage();
      await placeOrder(shopper, url, [[1, 1]], SHOPPER);
      const page = await (await newContext(browser)).newPage();
      await adminLogin(page, url);
      await page.goto(`${url}/admin/orders/1/ship`);
      await page.getByLabel('Tracking number (optional)').fill('AB\t123');
      await page.getByLabel('Carrier (optional)').fill('x'.repeat(101));
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/admin/orders/1/status')),
        page.getByRole('button', { name: 'Mark shipped and email the customer' }).click(),
      ]);
      await page.locator('#error-summary').waitFor();
      await page.getByLabel('Carrier (optional)').fill('Royal Mail');
      await page.getByLabel('Tracking number (optional)').fill('AB123456789GB');
      await Promise.all([
        page.waitForURL(`${url}/admin/orders/1`),
        page.getByRole('button', { name: 'Mark shipped and email the customer' }).click(),
      ]);
      await mail.waitFor((m) => m.subject.includes('has shipped'));

      // The mail server goes away; the placed email is resent, and its first try is refused.
      await mail.stop();
      await page.reload();
      await Promise.all([
        page.waitForURL(`${url}/admin/orders/1`),
        page.getByRole('button', { name: 'Resend the placed email to ada@example.com' }).click(),
      ]);
      const deadline = Date.now() + 20_000;
      while ((await page.locator('.email-problem').count()) === 0) {
        assert.ok(Date.now() < deadline, 'the refused attempt was not shown within 20 s');
        await new Promise((r) => setTimeout(r, 300));
        await page.reload();
      }
      assert.match(await page.locator('.email-problem').innerText(), /The shop could not reach its mail server/);
      await page.goto(`${url}/admin/emails`);
      await page.locator('.email-problem').first().waitFor();
    },
    { mail: true },
  ),
);

test(
  'the owner\'s refused changes on the product page, a message with its Dismiss link and the admin\'s phone menu, open, have no axe-core violations',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser, server }) => {
    // A stale save: bob saved a new price while the owner's form was open.
    await server.createAdmin('bob', 'bobs password is long');
    const [owner, bob] = [await (await newContext(browser)).newPage(), await (await newContext(browser)).newPage()];
    await adminLogin(owner, url);
    await adminLogin(bob, url, 'bob', 'bobs password is long');
    await owner.goto(`${url}/admin/products/1`);
    await bob.goto(`${url}/admin/products/1`);
    await bob.getByLabel(/^Price in pounds/).fill('12.00');
    assert.equal(await submit(bob, url, '/admin/products/1', bob.getByRole('button', { name: 'Save changes' })), 303);
    assert.equal(await submit(owner, url, '/admin/products/1', owner.getByRole('button', { name: 'Save changes' })), 409);
    // A stock change below zero, and a picture that is not one.
    await owner.getByLabel(/^Change by/).fill('-100');
    assert.equal(await submit(owner, url, '/admin/products/1/stock', owner.getByRole('button', { name: 'Change stock' })), 409);
    await picturesSection(owner).getByLabel(/^Picture \(/).setInputFiles({ name: 'a.png', mimeType: 'image/png', buffer: Buffer.from('words') });
    await picturesSection(owner).getByLabel(/^Alternative text/).fill('A mug');
    assert.equal(await submit(owner, url, '/admin/products/1/images', picturesSection(owner).getByRole('button', { name: 'Add picture' })), 415);

    // A shopper's message with its Dismiss link.
    const shopper = await (await newContext(browser)).newPage();
    await shopper.goto(`${url}/`);
    await Promise.all([shopper.waitForURL(`${url}/#product-2`), catalogueCard(shopper, 2).getByRole('button', { name: /^Add to basket/ }).click()]);
    await shopper.getByRole('link', { name: 'Dismiss this message' }).waitFor();

    // The admin's menu on a phone, open (a state no address reaches: checked where it is).
    const phone = await (await newContext(browser, { viewport: PHONE, bypassCSP: true })).newPage();
    await adminLogin(phone, url);
    await phone.getByText('Menu', { exact: true }).click();
    await phone.locator('.admin-menu[open]').waitFor();
    assert.deepEqual(await violationsHere(phone), []);
  }),
);
