// Shoppers' accounts in the browser: sign-up and sign-in merging the guest basket, one
// basket on every device, signed-in checkout, and the admins' customer pages. Every page
// these tests load, 409 and 422 included, goes through axe-core (lib/axe.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ADA,
  assertSignedIn,
  fillLogin,
  fillSignup,
  flashText,
  focusedId,
  headerCount,
  openSignup,
  signIn,
  signUp,
  siteHeader,
} from '../lib/accounts.mjs';
import { newContext } from '../lib/browser.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import { adminLogin, addFromCatalogue, addFromProductPage, basketLines, checkout, pence, placeOrderButton } from '../lib/shop.mjs';

const RECEIPT = /\/orders\/[^/]+$/;

test(
  'a guest signs up, the basket follows to a second device, and a signed-in checkout lists the order on the account',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const laptop = await (await newContext(browser)).newPage();
    await addFromCatalogue(laptop, url, 1, 2);
    await addFromCatalogue(laptop, url, 2, 1);

    // Sign-up from the basket, with mistakes first (422): the summary has focus and the
    // email is kept.
    assert.equal(await openSignup(laptop, url), '/basket');
    assert.equal(await fillSignup(laptop, url, { email: 'ada at example', name: ADA.name, password: 'short' }), 422);
    assert.equal(await focusedId(laptop), 'error-summary');
    assert.equal(await laptop.locator('#error-summary li').count(), 2);
    assert.equal(await laptop.getByLabel('Email address').inputValue(), 'ada at example');
    assert.equal(await laptop.getByLabel('Email address').getAttribute('aria-invalid'), 'true');
    assert.equal(await laptop.getByLabel('Password', { exact: true }).inputValue(), '');
    assert.equal(await fillSignup(laptop, url, ADA), 303);

    // Back on the basket it came from: the page says what was merged. No orders yet.
    assert.equal(laptop.url(), `${url}/basket`);
    const welcome = await flashText(laptop);
    assert.match(welcome, /^Welcome to Trolley/);
    assert.match(welcome, /What you added before signing in is in your basket now: /);
    assert.match(welcome, /2 × Enamel Camping Mug/);
    assert.match(welcome, /1 × Stoneware Teapot/);
    await laptop.goto(`${url}/account`);
    await laptop.getByText(/^No orders yet\./).waitFor();
    await assertSignedIn(laptop, ADA.name);
    assert.equal(await headerCount(laptop), 3);

    // Another device: "Create an account" with the same email is 409, which offers to sign in.
    const phone = await (await newContext(browser)).newPage();
    await phone.goto(`${url}/`);
    await openSignup(phone, url);
    assert.equal(await fillSignup(phone, url, ADA), 409);
    const taken = phone.locator('main .flash-error');
    assert.match(await taken.innerText(), /That email has an account already/);
    await Promise.all([phone.waitForURL(`${url}/account/login`), taken.getByRole('link', { name: 'Sign in' }).click()]);
    assert.equal(await fillLogin(phone, url, ADA), 303);
    assert.equal(phone.url(), `${url}/account`);
    assert.equal(await flashText(phone), `Welcome back, ${ADA.name}.`);
    await phone.goto(`${url}/basket`);
    assert.deepEqual(await basketLines(phone), [
      { name: 'Enamel Camping Mug', quantity: 2 },
      { name: 'Stoneware Teapot', quantity: 1 },
    ]);

    // An add on the phone shows on the laptop; adds at the same moment on both lose nothing.
    await addFromCatalogue(phone, url, 3, 1);
    await laptop.goto(`${url}/`);
    assert.equal(await headerCount(laptop), 4);
    await Promise.all([addFromProductPage(laptop, url, 1, 1), addFromProductPage(phone, url, 1, 1)]);
    assert.deepEqual(await basketLines(laptop), [
      { name: 'Enamel Camping Mug', quantity: 4 },
      { name: 'Linen Tea Towel', quantity: 1 },
      { name: 'Stoneware Teapot', quantity: 1 },
    ]);
    await phone.reload();
    assert.equal(await headerCount(phone), 6);

    // Signed-in checkout on the laptop: the account's name and email are filled in.
    await Promise.all([laptop.waitForURL(`${url}/checkout`), laptop.getByRole('link', { name: 'Check out' }).click()]);
    assert.equal(await laptop.getByLabel('Email address').inputValue(), ADA.email);
    assert.equal(await laptop.getByLabel('Full name').inputValue(), ADA.name);
    await laptop.getByLabel('Delivery address').fill('12 Analytical Row\nLondon\nNW1 1AA');
    await Promise.all([laptop.waitForURL(RECEIPT), placeOrderButton(laptop).click()]);
    await laptop.getByRole('heading', { name: `Thank you, ${ADA.name}` }).waitFor();
    const receipt = new URL(laptop.url()).pathname;
    const number = (await laptop.locator('.order-number').innerText()).trim();
    // Still signed in, with an empty basket.
    await assertSignedIn(laptop, ADA.name);
    assert.equal(await headerCount(laptop), 0);

    // The account lists the order, linked to its receipt.
    await Promise.all([laptop.waitForURL(`${url}/account`), siteHeader(laptop).getByRole('link', { name: 'Your account' }).click()]);
    const link = laptop.getByRole('link', { name: new RegExp(`^${number}`) });
    assert.equal(await link.getAttribute('href'), receipt);
    await Promise.all([laptop.waitForURL(`${url}${receipt}`), link.click()]);
    await laptop.getByRole('heading', { name: `Thank you, ${ADA.name}` }).waitFor();

    // The phone's basket (the account's) is empty now, and the phone is still signed in.
    await phone.goto(`${url}/basket`);
    await phone.getByText('Your basket is empty').waitFor();
    assert.equal(await headerCount(phone), 0);
    await assertSignedIn(phone, ADA.name);

    // Both devices are listed on the laptop's sessions page.
    await laptop.goto(`${url}/account`);
    await Promise.all([laptop.waitForURL(`${url}/account/sessions`), laptop.getByRole('link', { name: 'Where you are signed in' }).click()]);
    assert.equal(await laptop.locator('tbody tr').count(), 2);
    assert.equal(await laptop.getByText('This one').count(), 1);
  }),
);

test(
  'signing in merges the guest basket, capped at the stock, and the message names the cap',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    // The account's basket holds 3 of the 5 watering cans in stock.
    const laptop = await (await newContext(browser)).newPage();
    const welcome = await signUp(laptop, url);
    assert.doesNotMatch(welcome, /basket/, 'an empty guest basket merges nothing');
    await addFromProductPage(laptop, url, 6, 3);

    // A guest on another device puts 4 in a basket of its own, then signs in.
    const phone = await (await newContext(browser)).newPage();
    await addFromProductPage(phone, url, 6, 4);
    // Signing in from the product page comes back to it, the message linking the basket.
    await phone.goto(`${url}/products/6`);
    const message = await signIn(phone, url);
    assert.equal(phone.url(), `${url}/products/6`);
    assert.match(message, /What you added before signing in is in your basket now: 4 × Copper Watering Can\./);
    assert.match(
      message,
      /Copper Watering Can: together that came to 7, but we have only 5 in stock, so your basket has 5\./,
    );
    await Promise.all([
      phone.waitForURL(`${url}/basket`),
      phone.locator('main > .flash').getByRole('link', { name: 'View your basket' }).click(),
    ]);
    assert.deepEqual(await basketLines(phone), [{ name: 'Copper Watering Can', quantity: 5 }]);
    await laptop.goto(`${url}/basket`);
    assert.deepEqual(await basketLines(laptop), [{ name: 'Copper Watering Can', quantity: 5 }]);
  }),
);

test(
  "an account's second checkout is filled with its last address, and an admin finds the account among the customers with its orders and spend",
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const ada = await (await newContext(browser)).newPage();
    await signUp(ada, url);
    await addFromCatalogue(ada, url, 1, 2);
    await addFromCatalogue(ada, url, 2, 1);
    const address = '12 Analytical Row\nLondon\nNW1 1AA';
    await checkout(ada, url, { name: ADA.name, email: ADA.email, address });
    const first = pence(await ada.locator('tfoot .total').innerText());
    // The second checkout is filled with the last order's address.
    await addFromCatalogue(ada, url, 4, 3);
    await ada.goto(`${url}/checkout`);
    assert.equal(await ada.getByLabel('Delivery address').inputValue(), address);
    await Promise.all([ada.waitForURL(RECEIPT), placeOrderButton(ada).click()]);
    const number = (await ada.locator('.order-number').innerText()).trim();
    const total = first + pence(await ada.locator('tfoot .total').innerText());
    // An account with no name and no orders.
    const grace = await (await newContext(browser)).newPage();
    await signUp(grace, url, { email: 'grace@example.com', password: 'cobol compiler 1959' });
    await assertSignedIn(grace, 'grace@example.com');
    await ada.goto(`${url}/account`);
    await ada.getByRole('link', { name: new RegExp(`^${number}`) }).waitFor();

    const admin = await (await newContext(browser)).newPage();
    await adminLogin(admin, url);
    await Promise.all([admin.waitForURL(`${url}/admin/customers`), admin.getByRole('link', { name: 'Customers' }).click()]);
    assert.match(await admin.locator('p.summary').innerHTML(), /<strong>2<\/strong> accounts\b/);
    const row = admin.locator('tbody tr').filter({ has: admin.getByRole('link', { name: ADA.email }) });
    const cells = await row.locator('td').allInnerTexts();
    assert.equal(cells[0].trim(), ADA.name);
    assert.equal(cells[2].trim(), '2');
    assert.equal(pence(cells[3]), total);

    await admin.getByLabel('Search').fill('lovelace');
    await Promise.all([admin.waitForURL(/\/admin\/customers\?q=lovelace/), admin.getByRole('button', { name: 'Search' }).click()]);
    assert.match(await admin.locator('p.summary').innerHTML(), /<strong>1<\/strong> account matching/);
    assert.equal(await admin.getByRole('link', { name: 'grace@example.com' }).count(), 0);
    await admin.getByLabel('Search').fill('nobody at all');
    await Promise.all([admin.waitForURL(/\/admin\/customers\?q=nobody/), admin.getByRole('button', { name: 'Search' }).click()]);
    await admin.getByText(/^No accounts match this search\./).waitFor();
    await admin.getByLabel('Search').fill('ada@');
    await Promise.all([admin.waitForURL(/\/admin\/customers\?q=ada/), admin.getByRole('button', { name: 'Search' }).click()]);

    await Promise.all([admin.waitForURL(/\/admin\/customers\/\d+$/), admin.getByRole('link', { name: ADA.email }).click()]);
    await admin.getByRole('heading', { level: 1, name: ADA.email }).waitFor();
    assert.equal(await admin.locator('tbody tr').count(), 2);
    await Promise.all([admin.waitForURL(/\/admin\/orders\/\d+$/), admin.getByRole('link', { name: number }).click()]);
    await admin.getByRole('heading', { level: 1, name: new RegExp(`Order ${number}`) }).waitFor();

    const missing = await admin.goto(`${url}/admin/customers/9999`);
    assert.equal(missing.status(), 404);
  }),
);
