import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newContext } from '../lib/browser.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import { adminLogin, checkout, addFromProductPage } from '../lib/shop.mjs';

test(
  'an admin creates a product, a shopper finds it by search and buys it, and the stock goes down',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const admin = await (await newContext(browser)).newPage();
    await adminLogin(admin, url);
    await Promise.all([admin.waitForURL(`${url}/admin/products`), admin.getByRole('link', { name: 'Products' }).click()]);
    await Promise.all([admin.waitForURL(`${url}/admin/products/new`), admin.getByRole('link', { name: 'New product' }).click()]);
    await admin.getByLabel('Name').fill('Walnut Spoon <b>');
    await admin.getByLabel('Description').fill('Carved by hand.');
    await admin.getByLabel(/^Price in pounds/).fill('7.25');
    await admin.getByLabel(/^Stock/).fill('4');
    await Promise.all([admin.waitForURL(/\/admin\/products\/\d+$/), admin.getByRole('button', { name: 'Create product' }).click()]);
    const id = Number(new URL(admin.url()).pathname.split('/').pop());
    await admin.getByRole('heading', { level: 1, name: 'Walnut Spoon <b>' }).waitFor();

    const shopper = await (await newContext(browser)).newPage();
    await shopper.goto(`${url}/`);
    await shopper.getByLabel('Search products').fill('walnut');
    await Promise.all([shopper.waitForURL(/\?q=walnut/), shopper.getByRole('button', { name: 'Search' }).click()]);
    await shopper.getByRole('link', { name: 'Walnut Spoon <b>' }).first().waitFor();
    await addFromProductPage(shopper, url, id, 3);
    await checkout(shopper, url);

    await admin.reload();
    assert.match(await admin.locator('body').innerText(), /\b1 in stock/);
  }),
);

test(
  'a restock while a shopper checks out keeps the sale: the stock is the restock less what was bought',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const shopper = await (await newContext(browser)).newPage();
    await addFromProductPage(shopper, url, 1, 2);
    await shopper.goto(`${url}/checkout`);

    const admin = await (await newContext(browser)).newPage();
    await adminLogin(admin, url);
    await admin.goto(`${url}/admin/products/1`); // the stock form is open: 40 in stock
    await checkout(shopper, url); // meanwhile the shopper buys 2
    await admin.getByLabel(/^Change by/).fill('+10');
    await admin.getByRole('button', { name: 'Change stock' }).click();
    // The answer comes back to the same address: wait for its message.
    await admin.getByText('Stock changed by +10').waitFor();
    assert.match(await admin.locator('body').innerText(), /\b48 in stock/);
  }),
);

test(
  'an admin signs out another device, which is then sent to the login form',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const laptop = await (await newContext(browser)).newPage();
    const phone = await (await newContext(browser)).newPage();
    await adminLogin(laptop, url);
    await adminLogin(phone, url);
    await Promise.all([laptop.waitForURL(`${url}/admin/sessions`), laptop.getByRole('link', { name: 'Sessions' }).click()]);
    assert.equal(await laptop.getByText('This one').count(), 1);
    assert.equal(await laptop.locator('tbody tr').count(), 2);
    await laptop.getByRole('button', { name: 'Sign out everywhere else' }).focus();
    await laptop.keyboard.press('Enter');
    // Already at /admin/sessions: wait for the answer's message, not for the address.
    await laptop.getByText('Signed out 1 other session.').waitFor();
    assert.equal(await laptop.locator('tbody tr').count(), 1);

    await phone.goto(`${url}/admin/orders`);
    assert.equal(phone.url(), `${url}/admin/login`);
  }),
);
