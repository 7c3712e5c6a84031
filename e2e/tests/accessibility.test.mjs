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
  'an admin records a bank transfer with the keyboard alone; a payment for an order cancelled meanwhile is refused on a page that passes axe',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const shopper = await (await newContext(browser)).newPage();
    const first = await placeOrder(shopper, url, [[1, 1]], SHOPPER);
    const firstNumber = (await shopper.locator('.order-number').textContent()).trim();
    const second = await placeOrder(shopper, url, [[2, 1]], SHOPPER);
    const secondNumber = (await shopper.locator('.order-number').textContent()).trim();

    const page = await (await newContext(browser)).newPage();
    await adminLogin(page, url);
    await Promise.all([page.waitForURL(/\/admin\/orders\/\d+$/), page.getByRole('link', { name: firstNumber }).click()]);
    const orderUrl = page.url();
    await tabTo(page, (f) => f.id === 'reference', 'Payment reference');
    await page.keyboard.type(`BANK ${firstNumber}`);
    await Promise.all([page.waitForURL(orderUrl), page.keyboard.press('Enter')]);
    await page.locator('.flash', { hasText: `Order ${firstNumber} is paid` }).waitFor();

    // The second order's page is open in one tab while another tab cancels the order.
    await page.goto(`${url}/admin/orders`);
    await Promise.all([page.waitForURL(/\/admin\/orders\/\d+$/), page.getByRole('link', { name: secondNumber }).click()]);
    const other = await page.context().newPage();
    await other.goto(`${page.url()}/cancel`);
    await Promise.all([
      other.waitForURL(page.url()),
      other.getByRole('button', { name: `Cancel order ${secondNumber} and restock` }).click(),
    ]);
    await page.getByLabel('Payment reference').fill('LATE');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/paid')),
      page.getByRole('button', { name: 'Record payment' }).click(),
    ]);
    assert.equal(refused.status(), 409);
    await page.getByText(`Order ${secondNumber} is cancelled, payment expired: it awaits no payment.`).waitFor();

    // The receipts: one paid, one cancelled before it was paid.
    await shopper.goto(first);
    await shopper.getByText(/^Paid: we have received your payment/).waitFor();
    await shopper.goto(second);
    await shopper.getByText('No payment was taken: the order was cancelled before it was paid.').waitFor();
  }, { env: { TROLLEY_PAYMENTS: 'manual', TROLLEY_PAYMENT_INSTRUCTIONS: 'Trolley Ltd\nSort code 12-34-56' } }),
);
