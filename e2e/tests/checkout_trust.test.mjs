// Totals a shopper can trust, and coming back to checkout: problem lines fixed where
// they are shown, prices that changed said, typed details kept, Back after ordering.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, PHONE, closeQuietly, newContext } from '../lib/browser.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import { SHOPPER, addFromCatalogue, adminLogin, fillCheckout, pence, placeOrderButton } from '../lib/shop.mjs';

const RECEIPT = /\/orders\/[0-9a-fA-F-]{8,}$/;

/** As the owner, in a context of its own: change one product through its admin page. */
async function asOwner(browser, url, productId, change) {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await adminLogin(page, url);
    await page.goto(`${url}/admin/products/${productId}`);
    await change(page);
  } finally {
    await closeQuietly(context);
  }
}

async function save(page) {
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Save changes' }).click()]);
  await page.locator('.flash').first().waitFor();
}

const takeOffSale = (page) => page.getByLabel('On sale').uncheck().then(() => save(page));
const priceTo = (pounds) => (page) => page.getByLabel(/^Price in pounds/).fill(pounds).then(() => save(page));
const stockDown = (by) => async (page) => {
  await page.getByLabel(/^Change by/).fill(`-${by}`);
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Change stock' }).click()]);
  await page.locator('.flash').first().waitFor();
};

/** The page is no wider than its viewport (nothing to scroll sideways). */
async function assertNoSidewaysScroll(page) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: innerWidth }));
  assert.ok(scroll <= width, `the page scrolls sideways: ${scroll} > ${width}`);
}

for (const [label, viewport] of [['1280', DESKTOP], ['390', PHONE]]) {
  test(
    `at ${label} px, checkout marks every line that cannot be ordered with its fix, offers no "Place order" until they are fixed, and says which price changed`,
    { timeout: TEST_TIMEOUT },
    withShop(async ({ url, browser }) => {
      const page = await (await newContext(browser, { viewport })).newPage();
      await addFromCatalogue(page, url, 1, 1); // Enamel Camping Mug, £9.50
      await addFromCatalogue(page, url, 2, 2); // Stoneware Teapot
      await addFromCatalogue(page, url, 6, 3); // Copper Watering Can, 5 in stock
      await asOwner(browser, url, 2, takeOffSale);
      await asOwner(browser, url, 6, stockDown(3));
      await asOwner(browser, url, 1, priceTo('11.00'));

      // The basket: only the mug counts; the teapot's name links nowhere.
      await page.goto(`${url}/basket`);
      assert.match(await page.locator('#basket-problems').innerText(), /2 lines below can't be ordered/);
      assert.equal(pence(await page.locator('tfoot .total').innerText()), 1100);
      assert.match(await page.locator('tfoot th').innerText(), /Total \(1 item you can order\)/);
      assert.equal(await page.locator('#product-2 a[href="/products/2"]').count(), 0);
      assert.match(await page.locator('#product-1').innerText(), /Price changed from £9\.50/);
      await assertNoSidewaysScroll(page);

      // Checkout: both problems at once, each with its fix; no "Place order".
      await page.goto(`${url}/checkout`);
      const problems = await page.locator('#checkout-problems').innerText();
      assert.match(problems, /Stoneware Teapot: no longer available/);
      assert.match(problems, /Copper Watering Can: only 2 left, you have 3/);
      assert.equal(await placeOrderButton(page).count(), 0);
      await page.locator('#place-order-blocked').waitFor();
      await assertNoSidewaysScroll(page);
      // The price notice was seen on the basket page: not said again.
      assert.doesNotMatch(await page.locator('.checkout-summary').innerText(), /Price changed/);

      await Promise.all([
        page.waitForURL(`${url}/checkout`),
        page.getByRole('button', { name: 'Take the 2 left of Copper Watering Can' }).click(),
      ]);
      await Promise.all([
        page.waitForURL(`${url}/checkout`),
        page.getByRole('button', { name: 'Remove Stoneware Teapot' }).click(),
      ]);
      assert.equal(await page.locator('#checkout-problems').count(), 0);
      assert.equal(pence(await placeOrderButton(page).innerText()), 1100 + 2 * 4500);
      await fillCheckout(page);
      await Promise.all([page.waitForURL(RECEIPT), placeOrderButton(page).click()]);
      assert.equal(pence(await page.locator('tfoot .total').innerText()), 1100 + 2 * 4500);
    }),
  );
}

test(
  'after a refused checkout and then the real order, Back goes through pages only and the checkout names the order placed',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const page = await (await newContext(browser)).newPage();
    const dialogs = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      dialog.dismiss().catch(() => {});
    });
    const posts = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url() === `${url}/checkout`) posts.push(r.url());
    });
    await addFromCatalogue(page, url, 3, 1);
    await page.goto(`${url}/checkout`);

    // A mistake: no postcode. The answer is the form again (post/redirect/get), focus on
    // the summary, what was typed still there.
    await fillCheckout(page, { ...SHOPPER, address: '12 Analytical Row\nLondon' });
    const shown = page.waitForResponse((r) => r.url() === `${url}/checkout` && r.request().method() === 'GET');
    await placeOrderButton(page).click();
    assert.equal((await shown).status(), 422);
    assert.match(await page.title(), /^Error: /);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
    assert.match(await page.locator('#address-error').innerText(), /include the postcode/);
    assert.equal(await page.getByLabel('Full name').inputValue(), SHOPPER.name);

    await page.getByLabel('Delivery address').fill(SHOPPER.address);
    await Promise.all([page.waitForURL(RECEIPT), placeOrderButton(page).click()]);
    const receipt = new URL(page.url()).pathname;
    const number = (await page.getByText(/T\d{6}/).first().innerText()).match(/T\d{6}/)[0];

    // Back: the checkout page, asked again, names the order and links its receipt.
    await page.goBack({ waitUntil: 'load' });
    assert.equal(page.url(), `${url}/basket`);
    const flash = page.locator('.flash');
    assert.match(await flash.innerText(), new RegExp(`You have placed ${number}: view your receipt`));
    assert.equal(await flash.getByRole('link', { name: 'view your receipt' }).getAttribute('href'), receipt);
    // Back again: the refused form's page, a GET, never a form posted again.
    await page.goBack({ waitUntil: 'load' });
    assert.deepEqual(dialogs, []);
    assert.equal(posts.length, 2, 'only the two submissions were ever posted');
  }),
);

test(
  'a checkout refused for stock keeps what was typed through "Change your basket" and back',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const page = await (await newContext(browser)).newPage();
    await addFromCatalogue(page, url, 6, 3);
    await page.goto(`${url}/checkout`);
    await fillCheckout(page);
    await asOwner(browser, url, 6, stockDown(4));
    const shown = page.waitForResponse((r) => r.url() === `${url}/checkout` && r.request().method() === 'GET');
    await placeOrderButton(page).click();
    assert.equal((await shown).status(), 409);
    assert.match(await page.locator('.flash, .notice').first().innerText(), /not enough stock/);

    await Promise.all([page.waitForURL(`${url}/basket`), page.getByRole('link', { name: 'Change your basket' }).click()]);
    await Promise.all([page.waitForURL(`${url}/checkout`), page.getByRole('link', { name: 'Check out' }).click()]);
    assert.equal(await page.getByLabel('Full name').inputValue(), SHOPPER.name);
    assert.equal(await page.getByLabel('Email address').inputValue(), SHOPPER.email);
    assert.equal(await page.getByLabel('Delivery address').inputValue(), SHOPPER.address);
  }),
);

test(
  "a refused basket change does not move the basket's columns",
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const page = await (await newContext(browser)).newPage();
    await addFromCatalogue(page, url, 1, 1);
    await addFromCatalogue(page, url, 6, 1);
    // Where each cell of each row starts and how wide it is.
    const columns = () =>
      page.locator('table.lines tr').evaluateAll((rows) =>
        rows.map((row) => [...row.children].map((c) => {
          const box = c.getBoundingClientRect();
          return `${Math.round(box.x)}+${Math.round(box.width)}`;
        }).join(' ')),
      );
    const before = await columns();
    // The owner takes stock away while the page is open: the change the page allows is
    // refused by the shop.
    await asOwner(browser, url, 6, stockDown(4));

    await page.getByLabel('Quantity of Copper Watering Can').fill('3');
    const refused = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Update Copper Watering Can' }).click();
    assert.equal((await refused).status(), 409);
    await page.locator('tr.line-refused .field-error').waitFor();

    assert.deepEqual(await columns(), before);
  }),
);
