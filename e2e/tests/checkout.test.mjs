import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newContext } from '../lib/browser.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import {
  SHOPPER,
  addFromCatalogue,
  adminOrderCount,
  basketLines,
  checkout,
  fillCheckout,
  pence,
  placeOrderButton,
} from '../lib/shop.mjs';

const RECEIPT = /\/orders\/[0-9a-fA-F-]{8,}$/;

test(
  'a full purchase: catalogue, two products, a changed quantity, checkout, receipt with number, lines and total',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const page = await (await newContext(browser)).newPage();
    await page.goto(`${url}/`);
    await page.getByRole('heading', { level: 1 }).waitFor();

    const priceOf = async (id) =>
      pence(
        await page
          .locator('.product-card')
          .filter({ has: page.locator(`a[href="/products/${id}"]`) })
          .locator('.price')
          .textContent(),
      );
    const mug = await priceOf(1);
    const teapot = await priceOf(2);

    await addFromCatalogue(page, url, 1, 1);
    await addFromCatalogue(page, url, 2, 1);
    assert.deepEqual(await basketLines(page), [
      { name: 'Enamel Camping Mug', quantity: 1 },
      { name: 'Stoneware Teapot', quantity: 1 },
    ]);

    // Change the mug's quantity to 3 on /basket.
    await page.getByLabel('Quantity of Enamel Camping Mug').fill('3');
    await Promise.all([
      page.waitForURL(`${url}/basket`),
      page.getByRole('button', { name: 'Update Enamel Camping Mug' }).click(),
    ]);
    assert.deepEqual(await basketLines(page), [
      { name: 'Enamel Camping Mug', quantity: 3 },
      { name: 'Stoneware Teapot', quantity: 1 },
    ]);
    const expectedTotal = 3 * mug + teapot;
    assert.equal(pence(await page.locator('tfoot .total').textContent()), expectedTotal);

    await Promise.all([page.waitForURL(`${url}/checkout`), page.getByRole('link', { name: 'Check out' }).click()]);
    assert.equal(pence(await placeOrderButton(page).textContent()), expectedTotal);
    await fillCheckout(page);
    await Promise.all([page.waitForURL(RECEIPT), placeOrderButton(page).click()]);

    await page.getByRole('heading', { name: `Thank you, ${SHOPPER.name}` }).waitFor();
    assert.match((await page.locator('.order-number').textContent()).trim(), /^T\d{6}$/);
    const rows = await page.locator('table.lines tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())),
    );
    rows.sort((a, b) => a[0].localeCompare(b[0]));
    assert.equal(rows.length, 2);
    assert.equal(rows[0][0], 'Enamel Camping Mug');
    assert.equal(rows[0][2], '3');
    assert.equal(pence(rows[0][3]), 3 * mug);
    assert.equal(rows[1][0], 'Stoneware Teapot');
    assert.equal(rows[1][2], '1');
    assert.equal(pence(rows[1][3]), teapot);
    assert.equal(pence(await page.locator('tfoot .total').textContent()), expectedTotal);
    // No payment step: the receipt gives the order total and never says "paid"; with no
    // SMTP server configured it claims no email either.
    assert.equal((await page.locator('tfoot th').textContent()).trim(), 'Order total');
    const receiptText = await page.locator('main').textContent();
    assert.doesNotMatch(receiptText, /paid/i);
    assert.doesNotMatch(receiptText, /on its way|sent to/i);
    await page.getByText(SHOPPER.email).waitFor();

    // The order used up the basket.
    await page.goto(`${url}/basket`);
    await page.getByText('Your basket is empty').waitFor();
  }),
);

test(
  'Back to the checkout after the receipt, and the same form sent again, land on the same receipt, one order',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const page = await (await newContext(browser)).newPage();
    await addFromCatalogue(page, url, 3, 2);
    await page.goto(`${url}/checkout`);
    await fillCheckout(page);
    // What the form sends, to send it again later as a browser that kept the page would.
    const sent = await page.locator('form[action="/checkout"]').evaluate((form) => Object.fromEntries(new FormData(form)));
    await Promise.all([page.waitForURL(RECEIPT), placeOrderButton(page).click()]);
    const receipt = page.url();

    // The checkout page is no-store, so Back asks the server again: the order is placed and
    // the session gone, so the shopper sees the empty basket, not a form that could order
    // twice. (A browser that restores the page anyway gets the receipt on submitting it.)
    await page.goBack({ waitUntil: 'load' });
    if (page.url() === `${url}/checkout`) {
      await Promise.all([page.waitForURL(receipt), placeOrderButton(page).click()]);
    } else {
      assert.equal(page.url(), `${url}/basket`);
      await page.getByText('Your basket is empty').first().waitFor();
    }

    // The same form sent again, twice: the order token answers with the same receipt.
    for (let i = 0; i < 2; i += 1) {
      const again = await page.request.post(`${url}/checkout`, { form: sent, maxRedirects: 0 });
      assert.equal(again.status(), 303);
      assert.equal(new URL(again.headers().location, url).href, receipt);
    }
    await page.goto(receipt);
    await page.getByRole('heading', { name: `Thank you, ${SHOPPER.name}` }).waitFor();

    assert.equal(await adminOrderCount(browser, url), 1);
  }),
);

test(
  'a fast double click on "Place order" places one order',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser, t }) => {
    const page = await (await newContext(browser)).newPage();
    await addFromCatalogue(page, url, 1, 1);
    await addFromCatalogue(page, url, 4, 2);
    await page.goto(`${url}/checkout`);
    await fillCheckout(page);
    let posts = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url() === `${url}/checkout`) posts += 1;
    });
    // The second click aborts the first navigation, so wait for the page, not a navigation.
    await placeOrderButton(page).dblclick();
    await page.getByRole('heading', { name: `Thank you, ${SHOPPER.name}` }).waitFor();
    assert.match(page.url(), RECEIPT);
    t.diagnostic(`the double click sent ${posts} POST /checkout`);
    assert.equal(await adminOrderCount(browser, url), 1);

    // Another shopper clicks twice in a row while the same form also goes out a second time
    // from the same session (as from a second tab): all of it makes that shopper's one order.
    const other = await (await newContext(browser)).newPage();
    await addFromCatalogue(other, url, 2, 1);
    await other.goto(`${url}/checkout`);
    await fillCheckout(other, { ...SHOPPER, name: 'Charles Babbage' });
    const form = await other
      .locator('form[action="/checkout"]')
      .evaluate((f) => Object.fromEntries(new FormData(f).entries()));
    const duplicate = other
      .context()
      .request.post(`${url}/checkout`, { form, maxRedirects: 0, timeout: 10_000 });
    await placeOrderButton(other).click({ noWaitAfter: true });
    await placeOrderButton(other)
      .click({ noWaitAfter: true, timeout: 2_000 })
      .catch(() => {}); // the page may already have moved on
    await other.getByRole('heading', { name: 'Thank you, Charles Babbage' }).waitFor();
    assert.equal(other.url(), `${url}/orders/${form.order_token}`);
    const dup = await duplicate;
    assert.equal(dup.status(), 303);
    assert.equal(dup.headers().location, `/orders/${form.order_token}`);
    assert.equal(await adminOrderCount(browser, url), 2);
  }),
);

test(
  'reloading after a redirected POST, the receipt, or the checkout submission never places a second order',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser, t }) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    // Any "resubmit the form?" question is answered yes: the server must cope.
    page.on('dialog', (dialog) => dialog.accept().catch(() => {}));

    // Add: 303 to /basket, so reload is a GET and adds nothing.
    await addFromCatalogue(page, url, 1, 2);
    await page.reload();
    await page.reload();
    assert.deepEqual(await basketLines(page), [{ name: 'Enamel Camping Mug', quantity: 2 }]);

    // A refused checkout POST is redirected to the form (422), so reloading it is a GET:
    // no order, and the typed details are still there.
    await page.goto(`${url}/checkout`);
    await fillCheckout(page, { ...SHOPPER, email: 'not-an-email' });
    const invalid = page.waitForResponse((r) => r.url() === `${url}/checkout` && r.request().method() === 'GET');
    await placeOrderButton(page).click();
    assert.equal((await invalid).status(), 422);
    await page.reload().catch(() => {});
    await page.waitForLoadState('domcontentloaded');
    assert.equal(await adminOrderCount(browser, url), 0);

    // Reload right after submitting the valid form, while the POST may still be under way.
    await page.goto(`${url}/checkout`);
    await fillCheckout(page);
    await placeOrderButton(page).click({ noWaitAfter: true });
    await page.reload().catch(() => {});
    await page.waitForLoadState('domcontentloaded');
    const count = await adminOrderCount(browser, url);
    assert.ok(count <= 1, `${count} orders after one submission and a reload`);
    t.diagnostic(`after submit + reload: ${count} order(s), page at ${new URL(page.url()).pathname}`);

    let receipt;
    if (count === 0) {
      // The reload won the race and the POST never arrived: the basket is still there.
      await checkout(page, url);
    } else if (!RECEIPT.test(page.url())) {
      // The order was placed but the reload showed another page; Back and submit again finds the receipt.
      await page.goto(`${url}/basket`);
      await page.getByText('Your basket is empty').waitFor();
    }
    if (RECEIPT.test(page.url())) {
      receipt = page.url();
      await page.reload();
      await page.reload();
      assert.equal(page.url(), receipt);
      await page.getByRole('heading', { name: `Thank you, ${SHOPPER.name}` }).waitFor();
    }
    assert.equal(await adminOrderCount(browser, url), 1);
  }),
);
