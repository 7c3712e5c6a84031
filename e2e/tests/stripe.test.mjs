// Card payments on Stripe Checkout, against the Stripe test double (NOT Stripe; see
// tests/stripe_double): a shopper pays; declines and then pays; abandons and pays later
// from the receipt; an admin cancels a paid order and it is refunded. Every page seen here,
// the double's too, passes axe-core (lib/harness.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, PHONE, newContext } from '../lib/browser.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import { SHOPPER, addFromCatalogue, adminLogin, fillCheckout, placeOrderButton } from '../lib/shop.mjs';

/** Adds the items and places the order: the page ends on the double's hosted page. */
async function checkoutToStripe(page, url, stripe, items) {
  for (const [productId, quantity] of items) await addFromCatalogue(page, url, productId, quantity);
  await page.goto(`${url}/checkout`);
  await fillCheckout(page, SHOPPER);
  await Promise.all([page.waitForURL(`${stripe.base}/c/pay/**`), placeOrderButton(page).click()]);
}

/** Pays on the hosted page: back on the receipt, which says paid. */
async function pay(page, url) {
  await Promise.all([page.waitForURL(new RegExp(`^${url}/orders/`)), page.getByRole('button', { name: 'Pay' }).click()]);
  await page.getByText(/^Paid: we have received your payment of £/).waitFor();
}

test(
  'a shopper pays by card on Stripe\'s page and comes back to a receipt that says paid, at 1280 and 390 px',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser, stripe }) => {
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await (await newContext(browser, { viewport })).newPage();
      await checkoutToStripe(page, url, stripe, [[1, 2]]);
      assert.match(await page.locator('main').innerText(), /pay £19\.00/);
      await pay(page, url);
      assert.equal(await page.getByRole('button', { name: 'Pay now' }).count(), 0);
    }
  }, { stripe: true }),
);

test(
  'a declined card leaves the order awaiting; paying again on the same page pays it once',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser, stripe }) => {
    const page = await (await newContext(browser)).newPage();
    await checkoutToStripe(page, url, stripe, [[1, 1]]);
    await page.getByRole('button', { name: 'Decline' }).click();
    await page.getByRole('alert').filter({ hasText: 'Your card was declined.' }).waitFor();
    await pay(page, url);

    const admin = await (await newContext(browser)).newPage();
    await adminLogin(admin, url);
    await admin.getByRole('link', { name: 'T000001' }).click();
    const payment = admin.getByRole('region', { name: /^Payment/ });
    await payment.locator('h2 .status', { hasText: 'Paid' }).waitFor();
    assert.match(await payment.innerText(), /Reference: pi_/);
    assert.equal((await payment.locator('.history li').allInnerTexts()).filter((t) => t.startsWith('Paid')).length, 1);
  }, { stripe: true }),
);

test(
  'a shopper who abandons Stripe\'s page is back on a receipt offering Pay now, and pays from it later',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser, stripe }) => {
    const page = await (await newContext(browser)).newPage();
    await checkoutToStripe(page, url, stripe, [[2, 1]]);
    await Promise.all([page.waitForURL(new RegExp(`^${url}/orders/[^?]+$`)), page.getByRole('link', { name: 'Back to the shop' }).click()]);
    const due = page.getByRole('region', { name: 'Awaiting payment' });
    await due.waitFor();
    assert.match(await due.innerText(), /We have not received your payment of £\d+\.\d\d yet/);
    await Promise.all([page.waitForURL(`${stripe.base}/c/pay/**`), due.getByRole('button', { name: 'Pay now' }).click()]);
    await pay(page, url);
  }, { stripe: true }),
);

test(
  'an admin cancels a paid order and its payment is refunded, once',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser, stripe }) => {
    const shopper = await (await newContext(browser)).newPage();
    await checkoutToStripe(shopper, url, stripe, [[1, 1]]);
    await pay(shopper, url);
    const receipt = shopper.url();

    const admin = await (await newContext(browser)).newPage();
    await adminLogin(admin, url);
    await admin.goto(`${url}/admin/orders/1/cancel`);
    await Promise.all([
      admin.waitForURL(`${url}/admin/orders/1`),
      admin.getByRole('button', { name: /^Cancel order T000001/ }).click(),
    ]);
    await admin.locator('.flash', { hasText: 'Its payment is refunded.' }).waitFor();
    const payment = admin.getByRole('region', { name: /^Payment/ });
    await payment.locator('h2 .status', { hasText: 'Refunded' }).waitFor();
    assert.equal(await payment.getByRole('button', { name: 'Refund payment' }).count(), 0);

    await shopper.goto(receipt);
    await shopper.getByText(/^Your payment of £\d+\.\d\d was refunded\./).waitFor();
  }, { stripe: true }),
);
