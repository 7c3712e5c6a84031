// Bank transfers (TROLLEY_PAYMENTS=manual): the receipt says how to pay, and an admin
// records the payment before shipping, at desktop and phone widths. Every page seen here
// also passes axe-core (lib/harness.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, PHONE, newContext } from '../lib/browser.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import { SHOPPER, adminLogin, placeOrder } from '../lib/shop.mjs';

const INSTRUCTIONS = 'Trolley Ltd\nSort code 12-34-56\nAccount 12345678';
const MANUAL = { env: { TROLLEY_PAYMENTS: 'manual', TROLLEY_PAYMENT_INSTRUCTIONS: INSTRUCTIONS } };

/** Whether the page scrolls sideways (it must not, at any width). */
function overflows(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

test(
  'a shopper paying by bank transfer is told how on the receipt, at 1280 and 390 px',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await (await newContext(browser, { viewport })).newPage();
      await placeOrder(page, url, [[1, 2]], SHOPPER);
      const number = (await page.locator('.order-number').textContent()).trim();

      const due = page.getByRole('region', { name: 'Awaiting payment' });
      await due.waitFor();
      assert.match(await due.innerText(), /Please pay £19\.00 by bank transfer by \d+ \w+ \d{4}/);
      assert.equal((await due.locator('.payment-reference').innerText()).trim(), `Reference: ${number}`);
      // The bank details keep their lines.
      assert.equal(await due.locator('.payment-instructions').innerText(), INSTRUCTIONS);
      assert.equal(await page.getByText(/^Paid/).count(), 0, 'nothing says paid');
      assert.equal(await overflows(page), false, `no sideways scrolling at ${viewport.width} px`);
      const box = await due.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= viewport.width, `the instructions fit at ${viewport.width} px`);
    }
  }, MANUAL),
);

test(
  'an admin records a bank transfer and then ships the order, at 1280 and 390 px',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    for (const viewport of [DESKTOP, PHONE]) {
      const shopper = await (await newContext(browser, { viewport })).newPage();
      const receipt = await placeOrder(shopper, url, [[2, 1]], SHOPPER);
      const number = (await shopper.locator('.order-number').textContent()).trim();

      const page = await (await newContext(browser, { viewport })).newPage();
      await adminLogin(page, url);
      await page.getByLabel('Payment').selectOption('awaiting');
      await Promise.all([page.waitForURL(/payment=awaiting/), page.getByRole('button', { name: 'Filter' }).click()]);
      await Promise.all([page.waitForURL(/\/admin\/orders\/\d+$/), page.getByRole('link', { name: number }).click()]);
      const orderUrl = page.url();

      const payment = page.getByRole('region', { name: /^Payment/ });
      assert.equal((await payment.locator('h2 .status').innerText()).trim(), 'Awaiting payment');
      assert.equal(await page.getByRole('button', { name: 'Mark shipped…' }).isDisabled(), true, 'no shipping before payment');
      assert.equal(await overflows(page), false, `no sideways scrolling at ${viewport.width} px`);

      await page.getByLabel('Payment reference').fill(`BANK ${number}`);
      await Promise.all([page.waitForURL(orderUrl), page.getByRole('button', { name: 'Record payment' }).click()]);
      await page.locator('.flash', { hasText: `Order ${number} is paid (reference BANK ${number})` }).waitFor();
      assert.equal((await payment.locator('h2 .status').innerText()).trim(), 'Paid');
      assert.match(await payment.locator('.history').innerText(), new RegExp(`Paid \\(reference BANK ${number}\\) by admin`));
      assert.equal(await page.getByRole('button', { name: 'Record payment' }).count(), 0, 'recorded once');

      await Promise.all([page.waitForURL(`${orderUrl}/ship`), page.getByRole('link', { name: 'Mark shipped…' }).click()]);
      await Promise.all([page.waitForURL(orderUrl), page.getByRole('button', { name: 'Mark shipped and email the customer' }).click()]);
      assert.equal((await page.locator('h1 .status').textContent()).trim(), 'Shipped');

      await shopper.goto(receipt);
      await shopper.getByText('Paid: we have received your payment of £32.00.').waitFor();
      assert.equal(await shopper.getByRole('region', { name: 'Awaiting payment' }).count(), 0);
    }
  }, MANUAL),
);
