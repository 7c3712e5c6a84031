// Every page at phone and desktop sizes: no sideways scrolling, alt text on images,
// and full-page screenshots in docs/screenshots/ for people to look at.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DESKTOP, PHONE, closeQuietly, launchBrowser, newContext } from '../lib/browser.mjs';
import { TEST_TIMEOUT } from '../lib/harness.mjs';
import { REPO, startServer } from '../lib/server.mjs';
import { SHOPPER, addFromCatalogue, adminLogin, fillCheckout, placeOrder } from '../lib/shop.mjs';

const SCREENSHOTS = process.env.TROLLEY_SCREENSHOTS_DIR || path.join(REPO, 'docs', 'screenshots');

const CUSTOMERS = [
  { items: [[1, 2], [2, 1]], details: SHOPPER },
  { items: [[3, 2]], details: { name: 'Grace Hopper', email: 'grace@example.com', address: '1 Cobol Court\nArlington\nVA 22201' } },
  { items: [[4, 1], [5, 1], [6, 1]], details: { name: 'Alan Turing', email: 'alan@example.org', address: '9 Bletchley Lane\nMilton Keynes\nMK3 6EB' } },
  { items: [[7, 1]], details: { name: 'Katherine Johnson', email: 'kj@example.net', address: '24 Langley Road\nHampton' } },
];

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // A few orders in different states for the admin pages.
  for (const { items, details } of CUSTOMERS) {
    const context = await newContext(browser);
    try {
      await placeOrder(await context.newPage(), server.url, items, details);
    } finally {
      await closeQuietly(context);
    }
  }
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await adminLogin(page, server.url);
    for (const [id, button] of [
      [2, 'Mark shipped'],
      [3, 'Cancel order and restock'],
    ]) {
      await page.goto(`${server.url}/admin/orders/${id}`);
      await Promise.all([
        page.waitForURL(`${server.url}/admin/orders/${id}`, { waitUntil: 'load' }),
        page.getByRole('button', { name: button }).click(),
      ]);
    }
  } finally {
    await closeQuietly(context);
  }
});

after(async () => {
  await closeQuietly(browser);
  if (server) await server.stop();
});

/**
 * Walks the pages the way a shopper and then an admin would, calling visit(name, page)
 * on each: catalogue, product, basket (2 items), checkout, receipt, admin orders, admin order.
 */
async function walk(viewport, visit) {
  const { url } = server;
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
    const missing = await page.goto(`${url}/products/9999`);
    assert.equal(missing.status(), 404);
    await visit('not-found', page);

    const adminPage = await admin.newPage();
    await adminPage.goto(`${url}/admin/login`);
    await visit('admin-login', adminPage);
    await adminLogin(adminPage, url);
    await visit('admin-orders', adminPage);
    await adminPage.goto(`${url}/admin/orders/2`);
    await visit('admin-order', adminPage);
    await adminPage.goto(`${url}/admin/orders/1`);
    await visit('admin-order', adminPage);
  } finally {
    await closeQuietly(shopper);
    await closeQuietly(admin);
  }
}

test('no page scrolls sideways at phone width and every image has a text alternative', { timeout: TEST_TIMEOUT }, async () => {
  const seen = [];
  await walk(PHONE, async (name, page) => {
    seen.push(name);
    await page.waitForLoadState('load');
    const m = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      wide: [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .filter((el) => !el.closest('.table-scroll, .visually-hidden, .skip-link'))
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
      noAlt: [...document.images].filter((img) => !img.hasAttribute('alt')).map((img) => img.src),
      unlabelled: [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter((el) => !el.labels?.length && !el.getAttribute('aria-label'))
        .map((el) => el.name),
    }));
    assert.ok(
      m.scrollWidth <= m.innerWidth,
      `${name}: scrollWidth ${m.scrollWidth} > innerWidth ${m.innerWidth}; too wide: ${m.wide.join(', ')}`,
    );
    assert.deepEqual(m.noAlt, [], `${name}: images without alt`);
    assert.deepEqual(m.unlabelled, [], `${name}: form fields without a label`);
  });
  assert.equal(seen.length, 10);
});

test('screenshots of every page at desktop (1280×900) and phone (390×844) sizes', { timeout: 120_000 }, async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const [label, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ]) {
    await walk(viewport, async (name, page) => {
      await page.waitForLoadState('load');
      await page.evaluate(() => document.activeElement?.blur());
      // Lazy images below the fold: load them all before the full-page shot.
      await page.evaluate(() => document.querySelectorAll('img[loading="lazy"]').forEach((img) => (img.loading = 'eager')));
      await page.waitForFunction(() => [...document.images].every((img) => img.complete), null, { timeout: 10_000 });
      // admin-order is visited twice: the shot of order 1 (visited last) is the one kept.
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${label}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
    });
  }
});
