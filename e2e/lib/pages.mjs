// The shop with categories, a product with a gallery and a few orders in different states,
// and a walk through every page a shopper and then an admin sees: shared by the page checks
// (tests/pages.test.mjs) and the README's screenshots (screenshots.mjs, run by
// scripts/screenshots).
import assert from 'node:assert/strict';
import { ADA, fillLogin, signUp, signOut } from './accounts.mjs';
import { closeQuietly, newContext } from './browser.mjs';
import { makeCategory, putInCategories } from './categories.mjs';
import { addPicture, jpegUpload } from './pictures.mjs';
import { SHOPPER, addFromCatalogue, adminLogin, fillCheckout, placeOrder } from './shop.mjs';

// The demo catalogue's products in three categories (the teapot in two).
const CATEGORIES = [
  ['Garden', 'Tools and pots for the garden and the windowsill.', [6, 8]],
  ['Home', 'Warm, useful things for every room.', [2, 4, 7, 11, 12]],
  ['Kitchen', 'Cookware, tableware and linen for the kitchen and the table.', [1, 2, 3, 5, 9, 10, 13, 14]],
];

// Three pictures more for the teapot (product 2, the walk's product page): a gallery of four.
const TEAPOT_PICTURES = [
  ['lid.jpg', 'disc', 'The teapot’s lid, seen from above'],
  ['pair.jpg', 'pair', 'The teapot’s two matching cups, side by side'],
  ['spout.jpg', 'spout', 'The spout, close up'],
];

// Ada and Grace check out signed in to accounts of their own; the others as guests.
const GRACE = { name: 'Grace Hopper', email: 'grace@example.com', password: 'cobol compiler 1959' };
const CUSTOMERS = [
  { items: [[1, 2], [2, 1]], details: SHOPPER, account: ADA },
  { items: [[3, 2]], details: { ...GRACE, address: '1 Cobol Court\nLondon\nEC1A 1BB' }, account: GRACE },
  { items: [[4, 1], [5, 1], [6, 1]], details: { name: 'Alan Turing', email: 'alan@example.org', address: '9 Bletchley Lane\nMilton Keynes\nMK3 6EB' } },
  { items: [[7, 1]], details: { name: 'Katherine Johnson', email: 'kj@example.net', address: '24 Langley Road\nHampton\nTW12 1AA' } },
];

/** Makes the categories above, puts the products in them and gives the teapot a gallery. */
export async function prepareCatalogue(browser, url) {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await adminLogin(page, url);
    for (const [name, description] of CATEGORIES) assert.equal((await makeCategory(page, url, name, description)).status, 303);
    const byProduct = new Map();
    for (const [name, , products] of CATEGORIES) {
      for (const id of products) byProduct.set(id, [...(byProduct.get(id) ?? []), name]);
    }
    for (const [id, names] of byProduct) await putInCategories(page, url, id, names);
    await page.goto(`${url}/admin/products/2`);
    for (const [file, shape, alt] of TEAPOT_PICTURES) {
      assert.equal(await addPicture(page, url, 2, await jpegUpload(page, file, 1280, 960, '#467c8c', shape), alt), 303);
    }
  } finally {
    await closeQuietly(context);
  }
}

/**
 * Places the orders above, then ships order 2 and cancels order 3. The account holders
 * stay signed in on the device they ordered from (Ada's sessions page lists it).
 */
export async function prepareOrders(browser, url) {
  for (const { items, details, account } of CUSTOMERS) {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      if (account) await signUp(page, url, account);
      await placeOrder(page, url, items, details);
    } finally {
      await closeQuietly(context);
    }
  }
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await adminLogin(page, url);
    await page.goto(`${url}/admin/orders/2/ship`);
    await page.getByLabel('Carrier (optional)').fill('Royal Mail');
    await page.getByLabel('Tracking number (optional)').fill('AB123456789GB');
    await Promise.all([
      page.waitForURL(`${url}/admin/orders/2`, { waitUntil: 'load' }),
      page.getByRole('button', { name: 'Mark shipped and email the customer' }).click(),
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
 * Walks the pages the way a shopper and then an admin would, calling
 * visit(name, page, { screenshot, parts }) on each: catalogue, product (the teapot's
 * gallery), a category, basket (2 items), checkout, receipt, a stock refusal (409), not
 * found, the account pages (login, sign-up, the basket after a sign-in merged the
 * guest's, the account with its order, its sessions, password and deletion forms, the
 * reset form), admin login, admin orders, the cancel confirmation, admin order, the
 * outbox, products, a product (`parts` names its pictures section), categories, a
 * category, live baskets, customers, a customer, the admin's sessions. `screenshot:
 * false` marks the pages the README does not show; `parts` maps a screenshot's name to
 * a part of the page photographed on its own. The account steps leave Ada's basket as
 * they found it, so that the walk can be repeated on the same shop (scripts/screenshots
 * walks it twice). Expects prepareCatalogue() to have run.
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
    await page.goto(`${url}/categories/kitchen`);
    await visit('category', page);
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
    await walkAccount(page, url, visit);

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
    await visit('admin-product', adminPage, { parts: { 'admin-product-pictures': '#pictures' } });
    await adminPage.goto(`${url}/admin/categories`);
    await visit('admin-categories', adminPage);
    await Promise.all([adminPage.waitForURL(/\/admin\/categories\/\d+$/), adminPage.getByRole('link', { name: 'Kitchen', exact: true }).click()]);
    await visit('admin-category', adminPage, { screenshot: false });
    await adminPage.goto(`${url}/admin/baskets`);
    await visit('admin-baskets', adminPage);
    await adminPage.goto(`${url}/admin/customers`);
    await visit('admin-customers', adminPage);
    await adminPage.goto(`${url}/admin/customers/1`);
    await visit('admin-customer', adminPage, { screenshot: false });
    await adminPage.goto(`${url}/admin/sessions`);
    await visit('admin-sessions', adminPage);
  } finally {
    await closeQuietly(shopper);
    await closeQuietly(admin);
  }
}

/**
 * The account pages, from a guest's session with 5 watering cans in its basket: the login
 * and sign-up forms, then Ada signs in and the cans are merged into her (empty) basket.
 * Ends signed out with her basket empty again, as it was.
 */
async function walkAccount(page, url, visit) {
  await page.goto(`${url}/account/login`);
  await visit('account-login', page);
  await Promise.all([page.waitForURL(`${url}/account/signup`), page.getByRole('link', { name: 'Create an account' }).click()]);
  await visit('account-signup', page);
  // Signing in from the basket comes back to it, the message saying what was merged.
  await page.goto(`${url}/account/login?next=%2Fbasket`);
  assert.equal(await fillLogin(page, url, ADA), 303);
  assert.equal(page.url(), `${url}/basket`);
  await page.locator('main > .flash', { hasText: '5 × Copper Watering Can' }).waitFor();
  await visit('account-merged', page);
  await page.goto(`${url}/account`);
  await visit('account-home', page);
  await page.goto(`${url}/account/sessions`);
  await visit('account-sessions', page);
  await page.goto(`${url}/account/password`);
  await visit('account-password', page, { screenshot: false });
  await page.goto(`${url}/account/delete`);
  await visit('account-delete', page, { screenshot: false });
  await page.goto(`${url}/basket`);
  await Promise.all([page.waitForURL(`${url}/basket`), page.getByRole('button', { name: 'Remove Copper Watering Can' }).click()]);
  await page.getByText('Your basket is empty').waitFor();
  await signOut(page, url);
  await page.goto(`${url}/account/reset`);
  await visit('account-reset', page, { screenshot: false });
}
