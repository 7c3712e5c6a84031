// Shoppers' passwords in the browser: a wrong one (401), a change signing the other
// device out, signing out, a reset through a real email (410 for a link that no longer
// works), and deleting the account. Every page these tests load, 401/410/422 included,
// goes through axe-core (lib/axe.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ADA,
  assertSignedIn,
  assertSignedOut,
  fillLogin,
  flashText,
  focusedId,
  openLogin,
  signIn,
  signOut,
  signUp,
  submit,
} from '../lib/accounts.mjs';
import { newContext } from '../lib/browser.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import { addFromCatalogue, checkout } from '../lib/shop.mjs';

test(
  'a wrong password is refused with the email kept, a password change signs out the other device, and signing out returns to the shop',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const laptop = await (await newContext(browser)).newPage();
    await signUp(laptop, url);
    await signOut(laptop, url);
    assert.match(await flashText(laptop), /^You are signed out\./);
    await assertSignedOut(laptop);

    // 401: one message for both fields, the email kept, the password not.
    await openLogin(laptop, url);
    assert.equal(await fillLogin(laptop, url, { email: ADA.email, password: 'not the password' }), 401);
    const error = laptop.locator('main .flash-error');
    assert.equal((await error.innerText()).trim(), 'That email and password do not match. Please try again.');
    assert.ok(await error.evaluate((el) => el === document.activeElement), 'the message has focus');
    assert.equal(await laptop.getByLabel('Email address').inputValue(), ADA.email);
    assert.equal(await laptop.getByLabel('Password', { exact: true }).inputValue(), '');
    assert.equal(await laptop.title(), 'Error: Sign in · Trolley');
    await assertSignedOut(laptop);
    assert.equal(await fillLogin(laptop, url, ADA), 303);
    await assertSignedIn(laptop, ADA.name);

    // A second device signed in, then the password changed on the laptop.
    const phone = await (await newContext(browser)).newPage();
    await signIn(phone, url);
    await Promise.all([laptop.waitForURL(`${url}/account/password`), laptop.getByRole('link', { name: 'Change your password' }).click()]);
    const change = async (current, password) => {
      await laptop.getByLabel('Current password').fill(current);
      await laptop.getByLabel('New password').fill(password);
      return submit(laptop, url, '/account/password', laptop.getByRole('button', { name: 'Change password' }));
    };
    assert.equal(await change(ADA.password, 'short'), 422);
    assert.equal(await focusedId(laptop), 'error-summary');
    assert.match(await laptop.locator('#password-error').innerText(), /10/);
    assert.equal(await change('not the password', 'a brand new passphrase'), 401);
    assert.equal((await laptop.locator('#current-error').innerText()).trim(), 'That is not your current password.');
    assert.equal(await change(ADA.password, 'a brand new passphrase'), 303);
    assert.equal(laptop.url(), `${url}/account`);
    assert.equal(await flashText(laptop), 'Your password is changed, and your 1 other session is signed out.');

    // The phone is signed out: its next visit to the account goes to the login form.
    await phone.goto(`${url}/account`);
    assert.equal(phone.url(), `${url}/account/login?next=%2Faccount`);
    await assertSignedOut(phone);
    assert.equal(await fillLogin(phone, url, { email: ADA.email, password: 'a brand new passphrase' }), 303);
    assert.equal(phone.url(), `${url}/account`);

    // "Sign out everywhere else" from the laptop's sessions page.
    await laptop.goto(`${url}/account/sessions`);
    assert.equal(await laptop.locator('tbody tr').count(), 2);
    await Promise.all([
      laptop.waitForURL(`${url}/account/sessions`, { waitUntil: 'load' }),
      laptop.getByRole('button', { name: 'Sign out everywhere else' }).click(),
    ]);
    await laptop.locator('main > .flash').waitFor();
    assert.equal(await laptop.locator('tbody tr').count(), 1);
    await phone.goto(`${url}/account`);
    assert.match(phone.url(), /\/account\/login\?next=/);

    // Sign out from the account page: back on /, the header offers "Sign in" again, and
    // Back shows the login form, not the account (its pages are never stored).
    await laptop.goto(`${url}/account`);
    await signOut(laptop, url);
    assert.equal(laptop.url(), `${url}/`);
    await assertSignedOut(laptop);
    await laptop.goBack({ waitUntil: 'commit' });
    await laptop.waitForLoadState('domcontentloaded');
    await laptop.getByRole('main').getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(laptop.url(), `${url}/account/login?next=%2Faccount`);
    assert.ok(!(await laptop.locator('body').innerText()).includes(ADA.email), 'the account is still on screen after signing out');
  }),
);

test(
  'a forgotten password is reset through the link in a real email, and the link then works no more',
  { timeout: TEST_TIMEOUT },
  withShop(
    async ({ url, browser, mail }) => {
      const page = await (await newContext(browser)).newPage();
      await signUp(page, url);
      await signOut(page, url);

      await openLogin(page, url);
      await Promise.all([page.waitForURL(`${url}/account/reset`), page.getByRole('link', { name: 'Forgotten your password?' }).click()]);
      const ask = async (email) => {
        await page.getByLabel('Email address').fill(email);
        return submit(page, url, '/account/reset', page.getByRole('button', { name: 'Email me a link' }));
      };
      assert.equal(await ask('not an email'), 422);
      assert.equal(await focusedId(page), 'error-summary');
      assert.equal(await page.getByLabel('Email address').inputValue(), 'not an email');
      // The same answer for an email with no account and for one with an account.
      assert.equal(await ask('nobody@example.com'), 303);
      const unknown = await flashText(page);
      assert.equal(await ask(ADA.email), 303);
      assert.equal(page.url(), `${url}/account/reset`);
      assert.equal(await flashText(page), unknown);
      assert.match(unknown, /^If an account uses that email, an email with a link/);

      const email = await mail.waitFor((m) => m.rcpt_tos.includes(ADA.email));
      const link = /(http:\/\/\S+\/account\/reset\/[A-Za-z0-9_-]+)/.exec(email.text)?.[1];
      assert.ok(link, `no reset link in:\n${email.text}`);
      assert.ok(link.startsWith(`${url}/account/reset/`), link);
      assert.equal(mail.received().length, 1, 'only the account was sent an email');

      // A token that was never issued: 410.
      const gone = await page.goto(`${url}/account/reset/${'x'.repeat(43)}`);
      assert.equal(gone.status(), 410);
      await page.getByRole('heading', { name: 'This link no longer works' }).waitFor();

      // The link: a short password is refused (422), then a good one is set.
      const opened = await page.goto(link);
      assert.equal(opened.status(), 200);
      const setTo = async (password) => {
        await page.getByLabel('New password').fill(password);
        return submit(page, url, new URL(link).pathname, page.getByRole('button', { name: 'Set password' }));
      };
      assert.equal(await setTo('short'), 422);
      assert.equal(await focusedId(page), 'error-summary');
      assert.equal(await setTo('a password from the email'), 303);
      assert.equal(page.url(), `${url}/account/login`);
      assert.match(await flashText(page), /^Your new password is set/);
      assert.equal(await fillLogin(page, url, { email: ADA.email, password: 'a password from the email' }), 303);
      assert.equal(page.url(), `${url}/account`);
      await assertSignedIn(page, ADA.name);

      // Used once: the link is gone.
      const used = await page.goto(link);
      assert.equal(used.status(), 410);
      await page.getByRole('link', { name: 'Ask for a new link' }).waitFor();
    },
    { mail: true },
  ),
);

test(
  'a shopper deletes the account with its password and is back on the shop signed out, the receipts still working',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const page = await (await newContext(browser)).newPage();
    await signUp(page, url);
    await addFromCatalogue(page, url, 5, 1);
    const receipt = await checkout(page, url, { name: ADA.name, email: ADA.email, address: '12 Analytical Row\nLondon\nNW1 1AA' });

    await page.goto(`${url}/account`);
    await Promise.all([page.waitForURL(`${url}/account/delete`), page.getByRole('link', { name: 'Delete your account' }).click()]);
    const confirmWith = async (password) => {
      await page.getByLabel('Your password, to confirm').fill(password);
      return submit(page, url, '/account/delete', page.getByRole('button', { name: 'Delete my account' }));
    };
    assert.equal(await confirmWith('not the password'), 401);
    assert.equal(await focusedId(page), 'error-summary');
    await assertSignedIn(page, ADA.name);
    assert.equal(await confirmWith(ADA.password), 303);
    assert.equal(page.url(), `${url}/`);
    await flashText(page);
    await assertSignedOut(page);

    // The order stays, detached: its receipt still opens.
    const response = await page.goto(receipt);
    assert.equal(response.status(), 200);
    await page.getByRole('heading', { name: `Thank you, ${ADA.name}` }).waitFor();
    // The account is gone: signing in with it fails.
    await openLogin(page, url);
    assert.equal(await fillLogin(page, url, ADA), 401);
  }),
);
