// The owner's mistakes end on the product's page, never a bare error page: two admins
// editing one product (the stale save keeps what was typed and shows the other's change
// beside each field), a stock change below zero, a refused picture; every admin form with
// errors puts focus on its summary and its title starts "Error: ". Every page seen goes
// through axe-core.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, PHONE, newContext } from '../lib/browser.mjs';
import { focusedId, submit } from '../lib/accounts.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import { picturesSection } from '../lib/pictures.mjs';
import { adminLogin } from '../lib/shop.mjs';

const MUG = 1; // Enamel Camping Mug, £9.50, 40 in stock
const BOB = ['bob', 'bobs password is long'];
const SHOWN_TIME = /\d{1,2} \w+ \d{4}, \d\d:\d\d (GMT|BST)/;

/** The product's page has its summary focused, and its title says Error. */
async function assertSummaryFocused(page, what) {
  assert.equal(await focusedId(page), 'error-summary', `${what}: focus on the summary`);
  assert.match(await page.title(), /^Error: /, `${what}: the title`);
}

/** The message shown at a field (its `{id}-error` paragraph), and that it sits under the field. */
async function messageAt(page, id) {
  const message = page.locator(`#${id}-error`);
  const [field, box] = [await page.locator(`#${id}`).boundingBox(), await message.boundingBox()];
  assert.ok(box.y >= field.y + field.height - 1 && box.y - (field.y + field.height) < 24, `the message is just under #${id}`);
  assert.equal(await page.locator(`#${id}`).getAttribute('aria-describedby'), `${id}-error`);
  return (await message.innerText()).trim();
}

test(
  'two admins edit one product: the stale save is 409 with the product page, what was typed kept and the other admin\'s change, who and when beside each field; saving again overwrites it on purpose',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser, server }) => {
    await server.createAdmin(...BOB);
    const owner = await (await newContext(browser)).newPage();
    const bob = await (await newContext(browser, { viewport: PHONE })).newPage();
    await adminLogin(owner, url);
    await adminLogin(bob, url, ...BOB);
    const path = `/admin/products/${MUG}`;
    await owner.goto(`${url}${path}`);
    await bob.goto(`${url}${path}`);

    // Bob, on his phone: a new price, and off sale.
    await bob.getByLabel(/^Price in pounds/).fill('12.00');
    await bob.getByLabel('On sale').uncheck();
    assert.equal(await submit(bob, url, path, bob.getByRole('button', { name: 'Save changes' })), 303);

    // The owner, on the form opened before: a new name.
    await owner.getByLabel('Name', { exact: true }).fill('Enamel Mug, Large');
    await owner.getByLabel(/^Description/).fill('Blue enamel, white rim, a pint.');
    assert.equal(await submit(owner, url, path, owner.getByRole('button', { name: 'Save changes' })), 409);

    await assertSummaryFocused(owner, 'stale save');
    const summary = owner.locator('#error-summary');
    assert.match(await summary.innerText(), /Someone else saved this product after you opened it, so nothing was saved/);
    assert.deepEqual(await summary.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))), ['#price', '#active']);
    // What the owner typed is in the fields; beside the fields bob changed, what they are now.
    assert.equal(await owner.getByLabel('Name', { exact: true }).inputValue(), 'Enamel Mug, Large');
    assert.equal(await owner.getByLabel(/^Description/).inputValue(), 'Blue enamel, white rim, a pint.');
    assert.equal(await owner.getByLabel(/^Price in pounds/).inputValue(), '9.50');
    assert.ok(await owner.getByLabel('On sale').isChecked());
    const price = await messageAt(owner, 'price');
    assert.match(price, new RegExp(`^bob changed the price to £12\\.00 at ${SHOWN_TIME.source}\\.$`));
    assert.match(await messageAt(owner, 'active'), new RegExp(`^bob took it off sale at ${SHOWN_TIME.source}\\.$`));
    assert.equal(await owner.locator('#name-error').count(), 0, 'nothing said at a field bob left alone');
    // The summary's link takes the keyboard to the field.
    await owner.keyboard.press('Tab');
    await owner.keyboard.press('Enter');
    assert.equal(await focusedId(owner), 'price');
    // At 390 px the messages stay under their fields, and nothing is wider than the screen.
    await owner.setViewportSize(PHONE);
    await messageAt(owner, 'price');
    assert.ok(await owner.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no sideways scroll');
    await owner.setViewportSize(DESKTOP);

    // Nothing was saved: bob's change stands.
    await bob.reload();
    assert.equal(await bob.getByLabel(/^Price in pounds/).inputValue(), '12.00');
    assert.equal(await bob.getByLabel('Name', { exact: true }).inputValue(), 'Enamel Camping Mug');

    // Having looked, the owner saves again: his values replace bob's.
    assert.equal(await submit(owner, url, path, owner.getByRole('button', { name: 'Save changes' })), 303);
    await owner.locator('main > .flash', { hasText: 'Saved.' }).waitFor();
    assert.equal(await owner.getByLabel(/^Price in pounds/).inputValue(), '9.50');
    assert.equal(await owner.getByRole('heading', { level: 1 }).innerText(), 'Enamel Mug, Large');
    const history = await owner.locator('.history li').allInnerTexts();
    assert.match(history[0], new RegExp(`^${SHOWN_TIME.source} · admin: name “Enamel Camping Mug” → “Enamel Mug, Large”; description; price £12\\.00 → £9\\.50; now on sale$`));
    assert.match(history[1], new RegExp(`^${SHOWN_TIME.source} · bob: price £9\\.50 → £12\\.00; now off sale$`));
  }),
);

test(
  'a stock change below zero and a refused picture answer with the product page, the message at the field and what was typed kept, focus on the summary',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    for (const viewport of [DESKTOP, PHONE]) {
      const owner = await (await newContext(browser, { viewport })).newPage();
      await adminLogin(owner, url);
      await owner.goto(`${url}/admin/products/${MUG}`);

      await owner.getByLabel(/^Change by/).fill('-41');
      assert.equal(await submit(owner, url, `/admin/products/${MUG}/stock`, owner.getByRole('button', { name: 'Change stock' })), 409);
      await assertSummaryFocused(owner, 'stock below zero');
      assert.match(await messageAt(owner, 'change'), /^A change of -41 would take the stock \(40 now\) below 0, so nothing changed\.$/);
      assert.equal(await owner.getByLabel(/^Change by/).inputValue(), '-41');
      assert.match(await owner.locator('#stock-heading + p').innerText(), /^40 in stock\.$/);

      // A text file named .jpg: 415, the message at the picture's field, the text kept.
      const pictures = picturesSection(owner);
      await pictures.getByLabel(/^Picture \(/).setInputFiles({ name: 'mug.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('Not a picture.\n') });
      await pictures.getByLabel(/^Alternative text/).fill('A blue mug');
      assert.equal(await submit(owner, url, `/admin/products/${MUG}/images`, pictures.getByRole('button', { name: 'Add picture' })), 415);
      await assertSummaryFocused(owner, 'refused picture');
      assert.match(await messageAt(owner, 'image'), /That file is not a JPEG, PNG or WebP picture\./);
      assert.equal(await picturesSection(owner).getByLabel(/^Alternative text/).inputValue(), 'A blue mug');
      assert.equal(await picturesSection(owner).locator('.picture-list li').count(), 1, 'nothing kept');
      await owner.context().close();
    }
  }),
);

test(
  'every admin form with errors puts focus on its summary and its title starts "Error: "',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const owner = await (await newContext(browser)).newPage();

    // The login form: one message for both fields.
    await owner.goto(`${url}/admin/login`);
    await owner.getByLabel('Username').fill('admin');
    await owner.getByLabel('Password').fill('not the password');
    assert.equal(await submit(owner, url, '/admin/login', owner.getByRole('button', { name: 'Log in' })), 401);
    await assertSummaryFocused(owner, 'login');

    await adminLogin(owner, url);
    await owner.goto(`${url}/admin/products/new`);
    await owner.getByLabel(/^Price in pounds/).fill('twelve');
    assert.equal(await submit(owner, url, '/admin/products', owner.getByRole('button', { name: 'Create product' })), 422);
    await assertSummaryFocused(owner, 'new product');
    assert.deepEqual(await owner.locator('#error-summary a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))), ['#name', '#price']);

    await owner.goto(`${url}/admin/products/${MUG}`);
    await owner.getByLabel(/^Change by/).fill('ten');
    assert.equal(await submit(owner, url, `/admin/products/${MUG}/stock`, owner.getByRole('button', { name: 'Change stock' })), 422);
    await assertSummaryFocused(owner, 'stock change');

    await owner.goto(`${url}/admin/categories`);
    assert.equal(await submit(owner, url, '/admin/categories', owner.getByRole('button', { name: 'Make category' })), 422);
    await assertSummaryFocused(owner, 'new category');
  }),
);
