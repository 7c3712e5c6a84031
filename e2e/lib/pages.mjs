// The shop with a few orders in different states, and a walk through every page a shopper
// and then an admin sees: shared by the page checks (tests/pages.test.mjs) and the README's
// screenshots (screenshots.mjs, run by scripts/screenshots).
import assert from 'node:assert/strict';
import { closeQuietly, newContext } from './browser.mjs';
import { SHOPPER, addFromCatalogue, adminLogin, fillCheckout, placeOrder } from './shop.mjs';

const CUSTOMERS = [
  { items: [[1, 2], [2, 1]], details: SHOPPER },
  { items: [[3, 2]], details: { name: 'Grace Hopper', email: 'grace@example.com', address: '1 Cobol Court\nArlington\nVA 22201' } },
  { items: [[4, 1], [5, 1], [6, 1]], details: { name: 'Alan Turing', email: 'alan@example.org', address: '9 Bletchley Lane\nMilton Keynes\nMK3 6EB' } },
  { items: [[7, 1]], details: { name: 'Katherine Johnson', email: 'kj@example.net', address: '24 Langley Road\nHampton' } },
];

/** Places the orders above, then ships order 2 and cancels order 3. */
export async function prepareOrders(browser, url) {
  for (const { items, details } of CUSTOMERS) {
    const context = await newContext(browser);
    try {
      await placeOrder(await context.newPage(), url, items, details);
    } finally {
      await closeQuietly(context);
    }
  }
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await adminLogin(page, url);
    await page.goto(`${url}/admin/orders/2`);
    await Promise.all([
      page.waitForURL(`${url}/admin/orders/2`, { waitUntil: 'load' }),
      page.getByRole('button', { name: 'Mark shipped' }).click(),
    ]);
    await page.goto(`${url}/admin/orders/3`);
    await Promise.all([page.waitForURL(`${url}/admin/orders/3/cancel`), page.getByRole('link', { name: /^Cancel order/ }).click()]);
    await Promise.all([
      page.waitForURL(`${url}/admin/orders/3`, { waitUntil: 'load' }),
      page.getByRole('button', { name: /^Cancel order .* and restock$/ }).click(),
    ]);
  } finally {
    await closeQuietly(context);
  }
}

/**
 * Walks the pages the way a shopper and then an admin would, calling visit(name, page)
 * on each: catalogue, product, basket (2 items), checkout, receipt, a stock refusal (409),
 * not found, admin login, admin orders, the cancel confirmation, admin order, the outbox,
 * products, a product, live baskets, the admin's sessions.
 */
export async function walk(browser, url, viewport, visit) {
  const shopper = await newContext(browser, { viewport });
  const admin = await newContext(browser, { viewport });
  try {
    const page = await shopper.newPage();
    await page.goto(`${url}/`);
    await visit('catalogue', page);
    await page.goto(`${url}/products/2`);
    await visit('product', page);
    await addFromCatalogue(page, url, 2, 1);
    await addFromCatalogue(page, url, 8, 2);
    await visit('basket', page);
    await page.goto(`${url}/checkout`);
    await fillCheckout(page, { name: 'Mary Somerville', email: 'mary@example.com', address: '3 Burntisland Wynd\nFife\nKY3 0AA' });
    await visit('checkout', page);
    await Promise.all([page.waitForURL(/\/orders\/[^/]+$/), page.getByRole('button', { name: /^Place order/ }).click()]);
    await visit('receipt', page);
    // A new session after the order: buying all five watering cans, then one more, is
    // refused on the product page (409).
    await page.goto(`${url}/products/6`);
    await page.getByLabel('Quantity of Copper Watering Can').fill('5');
    await Promise.all([page.waitForURL(`${url}/products/6#product-6`), page.getByRole('button', { name: /^Add to basket/ }).click()]);
    await page.getByLabel('Quantity of Copper Watering Can').fill('1');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${url}/basket/items`),
      page.getByRole('button', { name: /^Add to basket/ }).click(),
    ]);
    assert.equal(refused.status(), 409);
    await page.waitForLoadState('load');
    await visit('stock-refusal', page);
    const missing = await page.goto(`${url}/products/9999`);
    assert.equal(missing.status(), 404);
    await visit('not-found', page);

    const adminPage = await admin.newPage();
    await adminPage.goto(`${url}/admin/login`);
    await visit('admin-login', adminPage);
    await adminLogin(adminPage, url);
    await visit('admin-orders', adminPage);
    await adminPage.goto(`${url}/admin/orders/1/cancel`);
    await visit('admin-cancel', adminPage);
    await adminPage.goto(`${url}/admin/orders/2`);
    await visit('admin-order', adminPage);
    await adminPage.goto(`${url}/admin/orders/1`);
    await visit('admin-order', adminPage);
    await adminPage.goto(`${url}/admin/emails`);
    await visit('admin-emails', adminPage);
    await adminPage.goto(`${url}/admin/products`);
    await visit('admin-products', adminPage);
    await adminPage.goto(`${url}/admin/products/2`);
    await visit('admin-product', adminPage);
    await adminPage.goto(`${url}/admin/baskets`);
    await visit('admin-baskets', adminPage);
    await adminPage.goto(`${url}/admin/sessions`);
    await visit('admin-sessions', adminPage);
  } finally {
    await closeQuietly(shopper);
    await closeQuietly(admin);
  }
}
