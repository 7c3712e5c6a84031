// The owner's orders pages in a browser, at desktop and phone width: "Mark shipped" asks
// first on a page of its own, with an optional carrier and tracking number; a field too
// long is answered with the page again, focus on its error summary and the values kept;
// the carrier and tracking number reach the order page, the receipt and the email; the
// order page lists its emails with Resend, which sends one copy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, PHONE, newContext } from '../lib/browser.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import { SHOPPER, adminLogin, placeOrder } from '../lib/shop.mjs';

const SHIPPED_LINE = 'Shipped with Royal Mail · tracking number AB123456789GB';

/** Clicks and waits for the answer to the form's POST; returns its status. */
async function submitStatus(page, path, click) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === 'POST'),
    click(),
  ]);
  await page.waitForLoadState('load');
  return response.status();
}

/** Fails when the page scrolls sideways (tables scroll within their own box). */
async function assertFits(page, name) {
  const m = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    wide: [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .filter((el) => !el.closest('.table-scroll, .visually-hidden, .skip-link'))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
  }));
  assert.ok(m.scrollWidth <= m.innerWidth, `${name}: scrollWidth ${m.scrollWidth} > ${m.innerWidth}: ${m.wide.join(', ')}`);
}

/** Reloads the order page until `count` of its emails are sent. */
async function untilSent(page, count) {
  const deadline = Date.now() + 20_000;
  while ((await page.locator('.order-emails .status-email-sent').count()) < count) {
    assert.ok(Date.now() < deadline, `${count} emails were not sent within 20 s`);
    await new Promise((r) => setTimeout(r, 300));
    await page.reload();
  }
}

for (const viewport of [DESKTOP, PHONE]) {
  test(
    `at ${viewport.width} px an admin ships an order through a confirmation with a carrier and tracking number`,
    { timeout: TEST_TIMEOUT },
    withShop(
      async ({ url, browser, mail }) => {
        const shopper = await (await newContext(browser, { viewport })).newPage();
        const receipt = await placeOrder(shopper, url, [[2, 1]], SHOPPER);
        const number = (await shopper.locator('.order-number').textContent()).trim();

        const page = await (await newContext(browser, { viewport })).newPage();
        await adminLogin(page, url);
        await Promise.all([page.waitForURL(/\/admin\/orders\/\d+$/), page.getByRole('link', { name: number }).click()]);
        const orderUrl = page.url();
        assert.equal(await page.getByRole('button', { name: /ship/i }).count(), 0, 'no one-tap shipping');
        await Promise.all([page.waitForURL(`${orderUrl}/ship`), page.getByRole('link', { name: 'Mark shipped…' }).click()]);

        await page.getByRole('heading', { level: 1, name: `Ship order ${number}?` }).waitFor();
        assert.match(await page.locator('main').innerText(), /1 × Stoneware Teapot/);
        await assertFits(page, 'the ship page');

        // Too long a carrier: the page again, focus on the summary, the values kept, nothing shipped.
        const long = 'Royal Mail Special Delivery Guaranteed by 1pm '.repeat(3);
        await page.getByLabel('Carrier (optional)').fill(long);
        await page.getByLabel('Tracking number (optional)').fill('AB123456789GB');
        const path = new URL(`${orderUrl}/status`).pathname;
        const refused = await submitStatus(page, path, () =>
          page.getByRole('button', { name: 'Mark shipped and email the customer' }).click(),
        );
        assert.equal(refused, 422);
        assert.match(await page.title(), /^Error: Ship order/);
        await page.waitForFunction(() => document.activeElement?.id === 'error-summary');
        assert.match(await page.locator('#error-summary').innerText(), /The carrier can be at most 100 characters/);
        assert.equal(await page.getByLabel('Carrier (optional)').inputValue(), long);
        assert.equal(await page.getByLabel('Carrier (optional)').getAttribute('aria-invalid'), 'true');
        assert.equal(await page.getByLabel('Tracking number (optional)').inputValue(), 'AB123456789GB');
        await assertFits(page, 'the ship page with an error');
        await page.locator('#error-summary a[href="#carrier"]').click();
        assert.equal(new URL(page.url()).hash, '#carrier');

        await page.getByLabel('Carrier (optional)').fill('Royal Mail');
        await Promise.all([
          page.waitForURL(orderUrl),
          page.getByRole('button', { name: 'Mark shipped and email the customer' }).click(),
        ]);
        assert.equal((await page.locator('h1 .status').textContent()).trim(), 'Shipped');
        assert.equal((await page.locator('main .shipment').textContent()).trim(), SHIPPED_LINE);
        assert.match(await page.locator('.flash').textContent(), /is marked shipped; the customer’s email is queued|is marked shipped; the customer's email is queued/);

        // The order's emails: placed and shipped, each sent, each with Resend.
        await untilSent(page, 2);
        const rows = page.locator('.order-emails tbody tr');
        assert.equal(await rows.count(), 2);
        assert.match(await rows.nth(0).innerText(), /Order placed[\s\S]*ada@example\.com[\s\S]*Sent/);
        assert.match(await rows.nth(1).innerText(), /Order shipped[\s\S]*Sent/);
        await assertFits(page, 'the order page with its emails');

        const shipped = await mail.waitFor((m) => m.subject.includes('has shipped'));
        assert.match(shipped.text, /Carrier: Royal Mail\r?\nTracking number: AB123456789GB/);
        assert.match(shipped.html, /Tracking number: <strong>AB123456789GB<\/strong>/);

        // Resend the shipped email: one copy, however quick the second click.
        await Promise.all([
          page.waitForURL(orderUrl),
          page.getByRole('button', { name: 'Resend the shipped email to ada@example.com' }).click(),
        ]);
        assert.match(await page.locator('.flash').textContent(), /is queued again/);
        await untilSent(page, 2);
        const copies = () => mail.received().filter((m) => m.subject.includes('has shipped')).length;
        const deadline = Date.now() + 20_000;
        while (copies() < 2) {
          assert.ok(Date.now() < deadline, 'the copy did not arrive');
          await new Promise((r) => setTimeout(r, 200));
        }
        assert.match(await rows.nth(1).innerText(), /resent 1 time/);

        await shopper.goto(receipt);
        assert.equal((await shopper.locator('.receipt-badge').textContent()).trim(), 'Shipped');
        assert.equal((await shopper.locator('.shipment').textContent()).trim(), SHIPPED_LINE);
        await assertFits(shopper, 'the receipt');

        // Shipped now: the ship page says so, in the admin area, with no form.
        const again = await page.goto(`${orderUrl}/ship`);
        assert.equal(again.status(), 409);
        assert.match(await page.locator('main').innerText(), /only a placed order can be shipped/);
        // (On a phone the admin's links are in the header's closed menu.)
        assert.ok((await page.locator('header nav[aria-label="Admin"]').count()) >= 1);
        assert.equal(await page.getByLabel('Carrier (optional)').count(), 0);
      },
      { mail: true },
    ),
  );
}
