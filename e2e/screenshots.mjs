// Refreshes the README's screenshots: every page the walk (lib/pages.mjs) does not mark
// `screenshot: false`, at desktop (1280×900) and phone (390×844) sizes, full page, and the
// parts of pages it names on their own (the admin's pictures section), into
// docs/screenshots/ (or TROLLEY_SCREENSHOTS_DIR). Run on purpose through
// scripts/screenshots; the browser tests write nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DESKTOP, PHONE, closeQuietly, launchBrowser } from './lib/browser.mjs';
import { startSmtpSink } from './lib/mail.mjs';
import { prepareCatalogue, prepareOrders, walk } from './lib/pages.mjs';
import { REPO, startServer } from './lib/server.mjs';
import { SHOPPER, addFromCatalogue, adminLogin, fillCheckout, placeOrderButton } from './lib/shop.mjs';
import { startStripeDouble } from './lib/stripe.mjs';

const SCREENSHOTS = process.env.TROLLEY_SCREENSHOTS_DIR || path.join(REPO, 'docs', 'screenshots');

// A real SMTP server (tests/smtp_sink.py, Debian's python3-aiosmtpd) receives the order
// emails, so that one can be photographed as a mail client shows it.
const mail = await startSmtpSink();
const server = await startServer({ smtpUrl: mail.url });
const browser = await launchBrowser();
try {
  await prepareCatalogue(browser, server.url);
  await prepareOrders(browser, server.url);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await photographEmail(browser, mail);
  for (const [label, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ]) {
    await walk(browser, server.url, viewport, async (name, page, { screenshot = true, parts = {} } = {}) => {
      if (!screenshot) return;
      await page.waitForLoadState('load');
      await page.evaluate(() => document.activeElement?.blur());
      // Lazy images below the fold: load them all before the full-page shot.
      await page.evaluate(() => document.querySelectorAll('img[loading="lazy"]').forEach((img) => (img.loading = 'eager')));
      await page.waitForFunction(() => [...document.images].every((img) => img.complete), null, { timeout: 10_000 });
      // admin-order is visited twice: the shot of order 1 (visited last) is the one kept.
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${label}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
      for (const [part, selector] of Object.entries(parts)) await photographPart(page, selector, path.join(SCREENSHOTS, `${part}-${label}.png`));
    });
  }
  await photographPayments(browser);
  console.log(`screenshots written to ${SCREENSHOTS}`);
} finally {
  await closeQuietly(browser);
  await server.stop();
  await mail.stop();
}

/** One part of the page, with a margin of the page round it. */
async function photographPart(page, selector, file) {
  const margin = 16;
  const box = await page.locator(selector).evaluate((el, m) => {
    const r = el.getBoundingClientRect();
    const x = Math.max(0, r.left + scrollX - m);
    const y = Math.max(0, r.top + scrollY - m);
    return { x, y, width: Math.min(r.right + scrollX + m, document.documentElement.scrollWidth) - x, height: r.bottom + scrollY + m - y };
  }, margin);
  await page.screenshot({ path: file, fullPage: true, clip: box, animations: 'disabled', caret: 'hide' });
}

/** The first order's confirmation email, its HTML body as a mail client shows it. */
async function photographEmail(browser, mail) {
  const first = await mail.waitFor();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trolley-email-'));
  const file = path.join(dir, 'email.html');
  writeFileSync(file, first.html);
  const context = await browser.newContext({ viewport: { width: 800, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`file://${file}`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'email-order-placed.png'), fullPage: true });
  } finally {
    await closeQuietly(context);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Card payments, on a shop of their own taking them on the Stripe test double (not
 * Stripe): the receipt of an order whose shopper left Stripe's page ("Pay now"), and the
 * admin's page of a paid order with its payment's history.
 */
async function photographPayments(browser) {
  const stripe = await startStripeDouble();
  const shop = await startServer({ env: stripe.env });
  stripe.deliverTo(`${shop.url}/payments/stripe/webhook`);
  try {
    for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      for (const productId of [1, 2]) await addFromCatalogue(page, shop.url, productId, 1);
      await page.goto(`${shop.url}/checkout`);
      await fillCheckout(page, SHOPPER);
      await Promise.all([page.waitForURL(`${stripe.base}/c/pay/**`), placeOrderButton(page).click()]);
      await Promise.all([page.waitForURL(/\/orders\/[^?]+$/), page.getByRole('link', { name: 'Back to the shop' }).click()]);
      await page.screenshot({ path: path.join(SCREENSHOTS, `receipt-pay-now-${label}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
      await Promise.all([page.waitForURL(`${stripe.base}/c/pay/**`), page.getByRole('button', { name: 'Pay now' }).click()]);
      await Promise.all([page.waitForURL(/checkout=return/), page.getByRole('button', { name: 'Pay' }).click()]);
      const number = (await page.locator('.order-number').textContent()).trim();
      const admin = await context.newPage();
      await adminLogin(admin, shop.url);
      await admin.getByRole('link', { name: number }).click();
      await admin.getByRole('region', { name: /^Payment/ }).waitFor();
      await admin.screenshot({ path: path.join(SCREENSHOTS, `admin-order-paid-${label}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
      await closeQuietly(context);
    }
  } finally {
    await shop.stop();
    await stripe.stop();
  }
}
