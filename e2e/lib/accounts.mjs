// Shoppers' account steps, done through the pages as a person would: from the header's
// "Sign in" link, through the forms, to the page the shop answers with.
import assert from 'node:assert/strict';

export const ADA = {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  password: 'analytical engine 1843',
};

/** The site header (where "Sign in", "Your account" and "Sign out" live). */
export function siteHeader(page) {
  return page.locator('header.site-header');
}

/** The text of the message at the top of the page (the flash, not its Dismiss link), once there is one. */
export async function flashText(page) {
  const flash = page.locator('main > .flash > p').first();
  await flash.waitFor();
  return (await flash.innerText()).trim();
}

/**
 * Clicks `button` to submit a form to `path` and waits for the page that answers:
 * returns the status of the POST itself (303 for a redirect, or 401, 409, 422…).
 */
export async function submit(page, url, path, button) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().split('?')[0] === `${url}${path}`),
    button.click(),
  ]);
  await page.waitForLoadState('load');
  return response.status();
}

/** The header shows this account signed in: its name, "Your account" and "Sign out". */
export async function assertSignedIn(page, shownName) {
  const header = siteHeader(page);
  await header.getByRole('link', { name: 'Your account' }).waitFor();
  assert.equal((await header.locator('.account-name').innerText()).trim(), shownName);
  assert.equal(await header.getByRole('button', { name: 'Sign out' }).count(), 1);
  assert.equal(await header.getByRole('link', { name: 'Sign in', exact: true }).count(), 0);
}

/** The header offers "Sign in" and nothing of an account. */
export async function assertSignedOut(page) {
  const header = siteHeader(page);
  await header.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
  assert.equal(await header.getByRole('link', { name: 'Your account' }).count(), 0);
  assert.equal(await header.getByRole('button', { name: 'Sign out' }).count(), 0);
}

/**
 * Where signing in from the page `page` is on comes back to: that page (its path and
 * query), except from the front page and the account's own pages, which go to /account.
 */
export function signInReturnsTo(page) {
  const from = new URL(page.url());
  const here = from.pathname + from.search;
  return here === '/' || from.pathname.startsWith('/account') ? '/account' : here;
}

/**
 * From any shop page: the header's "Sign in" link, on to the login form. The link carries
 * the page it was on (`?next=`) so that signing in comes back to it; returns that path.
 */
export async function openLogin(page, url) {
  if (!page.url().startsWith(url)) await page.goto(`${url}/`);
  const back = signInReturnsTo(page);
  const next = back === '/account' ? null : back;
  await Promise.all([
    page.waitForURL((to) => to.origin === url && to.pathname === '/account/login' && to.searchParams.get('next') === next),
    siteHeader(page).getByRole('link', { name: 'Sign in', exact: true }).click(),
  ]);
  return back;
}

/** From any shop page: "Sign in", then "Create an account" (which keeps `next`); returns where it comes back to. */
export async function openSignup(page, url) {
  const back = await openLogin(page, url);
  await Promise.all([
    page.waitForURL(/\/account\/signup(\?|$)/),
    page.getByRole('link', { name: 'Create an account' }).click(),
  ]);
  return back;
}

/** Fills the sign-up form (on /account/signup) and sends it; returns the POST's status. */
export async function fillSignup(page, url, { email, name = '', password }) {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Name (optional)').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  return submit(page, url, '/account/signup', page.getByRole('button', { name: 'Create account' }));
}

/** Fills the login form (on /account/login) and sends it; returns the POST's status. */
export async function fillLogin(page, url, { email, password }) {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  return submit(page, url, '/account/login', page.getByRole('main').getByRole('button', { name: 'Sign in' }));
}

/**
 * Signs up from any shop page; ends back on that page (/account from the front page).
 * Returns the message shown there.
 */
export async function signUp(page, url, account = ADA) {
  const back = await openSignup(page, url);
  assert.equal(await fillSignup(page, url, account), 303);
  assert.equal(page.url(), `${url}${back}`);
  return flashText(page);
}

/**
 * Signs in from any shop page; ends back on that page (/account from the front page).
 * Returns the message shown there.
 */
export async function signIn(page, url, account = ADA) {
  const back = await openLogin(page, url);
  assert.equal(await fillLogin(page, url, account), 303);
  assert.equal(page.url(), `${url}${back}`);
  return flashText(page);
}

/** The header's "Sign out" button: back on / with its message. */
export async function signOut(page, url) {
  await Promise.all([
    page.waitForURL(`${url}/`),
    siteHeader(page).getByRole('button', { name: 'Sign out' }).click(),
  ]);
  await page.waitForLoadState('load');
}

/** The basket count the header shows. */
export async function headerCount(page) {
  return Number((await siteHeader(page).locator('.basket-count').innerText()).trim());
}

/** The element that has focus: its id, or its tag (the error summary is "error-summary"). */
export function focusedId(page) {
  return page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName.toLowerCase());
}
