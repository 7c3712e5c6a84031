import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newContext } from '../lib/browser.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import { SHOPPER, adminLogin, placeOrder } from '../lib/shop.mjs';

test(
  'an admin finds an order, marks it shipped, logs out, and Back then shows no order data',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const shopper = await (await newContext(browser)).newPage();
    const grace = { name: 'Grace Hopper', email: 'grace@example.com', address: '1 Cobol Court\nArlington\nEC1A 1BB' };
    await placeOrder(shopper, url, [[1, 1]], SHOPPER);
    const receipt = await placeOrder(shopper, url, [[2, 2], [3, 1]], grace);
    const number = (await shopper.locator('.order-number').textContent()).trim();

    const page = await (await newContext(browser)).newPage();
    // Not logged in: the list sends the admin to the login form.
    await page.goto(`${url}/admin/orders`);
    assert.equal(page.url(), `${url}/admin/login`);
    await adminLogin(page, url);
    assert.match(await page.locator('p.summary').innerHTML(), /<strong>2<\/strong> orders\b/);

    await page.getByLabel('Search').fill('grace');
    await Promise.all([page.waitForURL(/\/admin\/orders\?/), page.getByRole('button', { name: 'Filter' }).click()]);
    assert.match(await page.locator('p.summary').innerHTML(), /<strong>1<\/strong> order matching/);
    await page.getByRole('cell', { name: /Grace Hopper/ }).waitFor();
    assert.equal(await page.getByText(SHOPPER.name).count(), 0);

    await Promise.all([
      page.waitForURL(/\/admin\/orders\/\d+$/),
      page.getByRole('link', { name: number }).click(),
    ]);
    const orderUrl = page.url();
    await page.getByRole('heading', { level: 1, name: new RegExp(`Order ${number}`) }).waitFor();
    assert.equal((await page.locator('h1 .status').textContent()).trim(), 'Placed');
    await page.getByText('grace@example.com').first().waitFor();

    // Shipping asks first, on a page of its own; its button says what it does.
    await Promise.all([page.waitForURL(`${orderUrl}/ship`), page.getByRole('link', { name: 'Mark shipped…' }).click()]);
    await Promise.all([
      page.waitForURL(orderUrl),
      page.getByRole('button', { name: 'Mark shipped and email the customer' }).click(),
    ]);
    assert.equal((await page.locator('h1 .status').textContent()).trim(), 'Shipped');
    assert.equal(await page.getByRole('link', { name: 'Mark shipped…' }).count(), 0);

    // The shopper's receipt shows the new status too.
    await shopper.goto(receipt);
    assert.equal((await shopper.locator('.receipt-badge').textContent()).trim(), 'Shipped');

    await Promise.all([page.waitForURL(`${url}/admin/login`), page.getByRole('button', { name: 'Log out' }).click()]);

    // Back: admin pages are no-store, so the browser asks again and is sent to the login form.
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForLoadState('domcontentloaded');
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    assert.equal(page.url(), `${url}/admin/login`);
    const text = await page.locator('body').innerText();
    assert.ok(!text.includes('Grace Hopper'), 'the customer name is still on screen after logging out');
    assert.ok(!text.includes('grace@example.com'), 'the customer email is still on screen after logging out');
    assert.ok(!text.includes(number), 'the order number is still on screen after logging out');
    assert.equal(await page.getByText('Grace Hopper').count(), 0);

    // And a second Back (the filtered list) is no better.
    await page.goBack({ waitUntil: 'commit' });
    await page.waitForLoadState('domcontentloaded');
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    assert.ok(!(await page.locator('body').innerText()).includes('Grace Hopper'));
  }),
);
