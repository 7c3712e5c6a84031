// What shoppers and admins are told: a refusal on the page they were on, an add that
// leaves a phone where it was, checkout errors that take focus, a cancel that asks first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PHONE, newContext } from '../lib/browser.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import { SHOPPER, adminLogin, basketLines, catalogueCard, fillCheckout, placeOrder, placeOrderButton } from '../lib/shop.mjs';

/** The header's basket count. */
async function basketCount(page) {
  return Number((await page.locator('.basket-count').textContent()).trim());
}

/** Clicks and waits for the answer to the form's POST; returns its status. */
async function submitStatus(page, path, click) {
  const [response] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === 'POST'), click()]);
  await page.waitForLoadState('load');
  return response.status();
}

test(
  'a refused add or basket change answers with the page the shopper was on, the message at the top',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const page = await (await newContext(browser)).newPage();
    // All five watering cans, from the product page, then one more.
    await page.goto(`${url}/products/6`);
    await page.getByLabel('Quantity of Copper Watering Can').fill('5');
    await Promise.all([page.waitForURL(`${url}/products/6#product-6`), page.getByRole('button', { name: /^Add to basket/ }).click()]);
    await page.getByLabel('Quantity of Copper Watering Can').fill('1');
    const status = await submitStatus(page, '/basket/items', () => page.getByRole('button', { name: /^Add to basket/ }).click());

    assert.equal(status, 409);
    await page.getByRole('heading', { level: 1, name: 'Copper Watering Can' }).waitFor();
    const flash = page.locator('main > .flash-error');
    assert.match(await flash.textContent(), /only 5 of Copper Watering Can/);
    assert.equal(await page.getByLabel('Quantity of Copper Watering Can').getAttribute('aria-invalid'), 'true');
    assert.equal(await basketCount(page), 5);

    // Another shopper buys three: the basket's change to 4 is refused on the basket itself.
    const other = await (await newContext(browser)).newPage();
    await page.goto(`${url}/basket`);
    await placeOrder(other, url, [[6, 3]], { ...SHOPPER, name: 'Grace Hopper' });
    await page.getByLabel('Quantity of Copper Watering Can').fill('4');
    const change = await submitStatus(page, '/basket/items/6', () => page.getByRole('button', { name: 'Update Copper Watering Can' }).click());

    assert.equal(change, 409);
    await page.getByRole('heading', { level: 1, name: 'Your basket' }).waitFor();
    assert.match(await page.locator('main > .flash-error').textContent(), /only 2 of Copper Watering Can/);
    assert.equal(await page.locator('tr.line-refused').count(), 1);
    assert.match(await page.locator('tr.line-refused').textContent(), /Only 2 in stock now/);
    assert.equal(await basketCount(page), 5);
    assert.deepEqual(await basketLines(page), [{ name: 'Copper Watering Can', quantity: 5 }]);

    // And checkout marks the shortfall with its fix, offering no order until it is fixed.
    await page.goto(`${url}/checkout`);
    assert.match(await page.locator('#checkout-problems').textContent(), /Copper Watering Can: only 2 left, you have 5/);
    assert.equal(await placeOrderButton(page).count(), 0);
    await Promise.all([
      page.waitForURL(`${url}/checkout`),
      page.getByRole('button', { name: 'Take the 2 left of Copper Watering Can' }).click(),
    ]);
    assert.match(await placeOrderButton(page).textContent(), /£90\.00/);
  }),
);

test(
  'on a phone, adding from far down the catalogue leaves the shopper at that product',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const page = await (await newContext(browser, { viewport: PHONE })).newPage();
    await page.goto(`${url}/`);
    const card = catalogueCard(page, 12);
    await card.scrollIntoViewIfNeeded();
    const before = await page.evaluate(() => window.scrollY);
    assert.ok(before > 2000, `the card is far down the page (scrollY ${before})`);

    await card.getByLabel(/^Quantity of /).fill('2');
    await Promise.all([page.waitForURL(`${url}/#product-12`), card.getByRole('button', { name: /^Add to basket/ }).click()]);
    await page.waitForLoadState('load');

    const after = await page.evaluate(() => window.scrollY);
    assert.ok(Math.abs(after - before) < PHONE.height, `scrolled back from ${before} to ${after}`);
    const box = await catalogueCard(page, 12).boundingBox();
    assert.ok(box && box.y < PHONE.height && box.y + box.height > 0, 'the product is on screen');
    // The message is at the top of the page, above the products: it scrolls with the
    // page and covers none of them.
    const flash = page.locator('.flash-info');
    const name = (await catalogueCard(page, 12).locator('.product-name').textContent()).trim();
    assert.match(await flash.textContent(), new RegExp(`Added 2 of the ${name} to your basket`));
    const flashBox = await flash.boundingBox();
    assert.ok(flashBox && flashBox.y + flashBox.height <= box.y, 'the message is above the product, not over it');
    assert.equal(await basketCount(page), 2);
    await Promise.all([page.waitForURL(`${url}/basket`), flash.getByRole('link', { name: 'View your basket' }).click()]);
    assert.equal((await basketLines(page))[0].quantity, 2);
  }),
);

test(
  'checkout errors put focus on a summary that links each field, and the title says Error',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const page = await (await newContext(browser)).newPage();
    await page.goto(`${url}/products/1`);
    await Promise.all([page.waitForURL(/#product-1$/), page.getByRole('button', { name: /^Add to basket/ }).click()]);
    await page.goto(`${url}/checkout`);
    await page.getByLabel('Full name').fill(SHOPPER.name);
    await page.getByLabel('Email address').fill('ada at example');
    // The refused POST is redirected (so Back never posts it again) to the form, 422.
    const shown = page.waitForResponse((r) => new URL(r.url()).pathname === '/checkout' && r.request().method() === 'GET');
    const status = await submitStatus(page, '/checkout', () => placeOrderButton(page).click());
    assert.equal(status, 303);

    assert.equal((await shown).status(), 422);
    assert.match(await page.title(), /^Error: /);
    await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
    const links = await page.locator('#error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, ['#email', '#address']);
    await page.locator('#error-summary a[href="#email"]').click();
    assert.equal(new URL(page.url()).hash, '#email');
  }),
);

test(
  'an admin cancels an order through a confirmation that names it, its customer and the stock put back',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const shopper = await (await newContext(browser)).newPage();
    await placeOrder(shopper, url, [[2, 2]], { ...SHOPPER, name: 'Grace Hopper', email: 'grace@example.com' });
    const number = (await shopper.locator('.order-number').textContent()).trim();

    const page = await (await newContext(browser)).newPage();
    await adminLogin(page, url);
    await Promise.all([page.waitForURL(/\/admin\/orders\/\d+$/), page.getByRole('link', { name: number }).click()]);
    const orderUrl = page.url();
    assert.equal(await page.getByRole('button', { name: /cancel/i }).count(), 0, 'no one-click cancel');
    await Promise.all([page.waitForURL(`${orderUrl}/cancel`), page.getByRole('link', { name: /^Cancel order/ }).click()]);

    await page.getByRole('heading', { level: 1, name: `Cancel order ${number}?` }).waitFor();
    const text = await page.locator('main').innerText();
    assert.match(text, /Grace Hopper/);
    assert.match(text, /grace@example\.com/);
    assert.match(text, /2 × Stoneware Teapot/);

    // Keeping the order changes nothing.
    await Promise.all([page.waitForURL(orderUrl), page.getByRole('link', { name: 'Keep the order' }).click()]);
    assert.equal((await page.locator('h1 .status').textContent()).trim(), 'Placed');

    await page.goto(`${orderUrl}/cancel`);
    await Promise.all([page.waitForURL(orderUrl), page.getByRole('button', { name: `Cancel order ${number} and restock` }).click()]);
    assert.equal((await page.locator('h1 .status').textContent()).trim(), 'Cancelled');
    assert.match(await page.locator('.flash').textContent(), /cancelled and its stock put back/);
  }),
);
