// Refreshes the README's screenshots: every page at desktop (1280×900) and phone (390×844)
// sizes, full page, into docs/screenshots/ (or TROLLEY_SCREENSHOTS_DIR). Run on purpose
// through scripts/screenshots; the browser tests write nothing.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DESKTOP, PHONE, closeQuietly, launchBrowser } from './lib/browser.mjs';
import { prepareOrders, walk } from './lib/pages.mjs';
import { REPO, startServer } from './lib/server.mjs';

const SCREENSHOTS = process.env.TROLLEY_SCREENSHOTS_DIR || path.join(REPO, 'docs', 'screenshots');

const server = await startServer();
const browser = await launchBrowser();
try {
  await prepareOrders(browser, server.url);
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const [label, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ]) {
    await walk(browser, server.url, viewport, async (name, page) => {
      await page.waitForLoadState('load');
      await page.evaluate(() => document.activeElement?.blur());
      // Lazy images below the fold: load them all before the full-page shot.
      await page.evaluate(() => document.querySelectorAll('img[loading="lazy"]').forEach((img) => (img.loading = 'eager')));
      await page.waitForFunction(() => [...document.images].every((img) => img.complete), null, { timeout: 10_000 });
      // admin-order is visited twice: the shot of order 1 (visited last) is the one kept.
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${label}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
    });
  }
  console.log(`screenshots written to ${SCREENSHOTS}`);
} finally {
  await closeQuietly(browser);
  await server.stop();
}
