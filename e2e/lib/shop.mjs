// Shopper and admin steps, done through the pages as a person would.
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, ADMIN_USER } from './server.mjs';
import { closeQuietly, newContext } from './browser.mjs';

export const SHOPPER = {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  address: '12 Analytical Row\nLondon\nNW1 1AA',
};

/** Price text like "£12.50" to pence. */
export function pence(text) {
  const m = /£\s*([\d,]+)\.(\d\d)/.exec(text);
  assert.ok(m, `no price in ${JSON.stringify(text)}`);
  return Number(m[1].replace(/,/g, '')) * 100 + Number(m[2]);
}

/** Escapes a string for use in a RegExp. */
function literal(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The catalogue card of a product on /. */
export function catalogueCard(page, productId) {
  return page.locator('.product-card').filter({ has: page.locator(`a[href="/products/${productId}"]`) });
}

/**
 * Add a product from its catalogue card on /: the shop comes back to the card, with a
 * message naming the product. Ends on /basket, as the callers expect.
 */
export async function addFromCatalogue(page, url, productId, quantity = 1) {
  if (new URL(page.url()).pathname !== '/' || !page.url().startsWith(url)) await page.goto(`${url}/`);
  const card = catalogueCard(page, productId);
  await card.getByLabel(/^Quantity of /).fill(String(quantity));
  await Promise.all([
    page.waitForURL(new RegExp(`^${literal(url)}/#product-${productId}$`)),
    card.getByRole('button', { name: /^Add to basket/ }).click(),
  ]);
  await page.locator('main > .flash > p', { hasText: /^Added / }).waitFor();
  await page.goto(`${url}/basket`);
}

/** Add a product from /products/{id}: back to that page, then on to /basket. */
export async function addFromProductPage(page, url, productId, quantity = 1) {
  await page.goto(`${url}/products/${productId}`);
  await page.getByLabel(/^Quantity of /).fill(String(quantity));
  await Promise.all([
    page.waitForURL(`${url}/products/${productId}#product-${productId}`),
    page.getByRole('button', { name: /^Add to basket/ }).click(),
  ]);
  await page.locator('main > .flash > p', { hasText: /^Added / }).waitFor();
  await page.goto(`${url}/basket`);
}

/** The basket lines shown on /basket, sorted by name: [{ name, quantity }]. */
export async function basketLines(page) {
  const lines = await page.locator('table.lines tbody tr').evaluateAll((rows) =>
    rows.map((row) => ({
      name: row.querySelector('th a')?.textContent.trim(),
      quantity: Number(row.querySelector('input.quantity-input')?.value),
    })),
  );
  return lines.sort((a, b) => a.name.localeCompare(b.name));
}

export async function fillCheckout(page, details = SHOPPER) {
  await page.getByLabel('Full name').fill(details.name);
  await page.getByLabel('Email address').fill(details.email);
  await page.getByLabel('Delivery address').fill(details.address);
}

export function placeOrderButton(page) {
  return page.getByRole('button', { name: /^Place order/ });
}

/** From a non-empty basket: go to /checkout, fill the form, place the order; returns the receipt URL. */
export async function checkout(page, url, details = SHOPPER) {
  await page.goto(`${url}/checkout`);
  await fillCheckout(page, details);
  await Promise.all([page.waitForURL(/\/orders\/[^/]+$/), placeOrderButton(page).click()]);
  await page.getByRole('heading', { name: `Thank you, ${details.name}` }).waitFor();
  return page.url();
}

/** Add some products and check out in one go; returns the receipt URL. */
export async function placeOrder(page, url, items, details = SHOPPER) {
  for (const [productId, quantity] of items) await addFromCatalogue(page, url, productId, quantity);
  return checkout(page, url, details);
}

export async function adminLogin(page, url, username = ADMIN_USER, password = ADMIN_PASSWORD) {
  await page.goto(`${url}/admin/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForURL(`${url}/admin/orders`), page.getByRole('button', { name: 'Log in' }).click()]);
}

/**
 * The number of orders the admin list reports, read in a fresh browser context of its own
 * from the summary line "<strong>N</strong> order(s)".
 */
export async function adminOrderCount(browser, url) {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await adminLogin(page, url);
    const html = await page.locator('p.summary').innerHTML();
    const m = /<strong>(\d+)<\/strong> orders?\b/.exec(html);
    assert.ok(m, `unexpected summary line: ${html}`);
    return Number(m[1]);
  } finally {
    await closeQuietly(context);
  }
}
