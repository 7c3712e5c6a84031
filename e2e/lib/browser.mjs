// Debian's Chromium driven by playwright-core: no browser downloads, no traffic but 127.0.0.1.
import { chromium } from 'playwright-core';
import { recordPages } from './axe.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/**
 * launch() gives every run its own throwaway profile directory.
 *
 * Playwright turns Chromium's back/forward cache off by default; a shopper's Chrome has it
 * on, and it is what brings the filled-in checkout form back on Back (the POST to /checkout
 * invalidates the HTTP cache entry of GET /checkout). Keep it on, as a real browser does.
 */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
    timeout: 30_000,
  });
}

/** A new context (its own cookies) with bounded timeouts on every action. */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', ...options });
  recordPages(browser, context);
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  // No context.route() here: Playwright turns the HTTP cache off while routing is on, and
  // the Back-button tests need the browser's real cache behaviour. The pages only ever
  // link to their own 127.0.0.1 origin.
  return context;
}

export async function closeQuietly(closable) {
  if (!closable) return;
  try {
    await closable.close();
  } catch {
    // already closed
  }
}
