// Every page at phone size: no sideways scrolling, alt text, width and height on images,
// labels on fields.
// (The README's screenshots of these pages come from scripts/screenshots.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertAccessible } from '../lib/axe.mjs';
import { PHONE, closeQuietly, launchBrowser } from '../lib/browser.mjs';
import { TEST_TIMEOUT } from '../lib/harness.mjs';
import { prepareCatalogue, prepareOrders, walk } from '../lib/pages.mjs';
import { startServer } from '../lib/server.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await prepareCatalogue(browser, server.url);
  await prepareOrders(browser, server.url);
});

after(async () => {
  await closeQuietly(browser);
  if (server) await server.stop();
});

// The walk is 30 pages long: twice the time of a test of a few pages.
test('no page scrolls sideways at phone width and every image has a text alternative and a size', { timeout: 2 * TEST_TIMEOUT }, async () => {
  const seen = [];
  await walk(browser, server.url, PHONE, async (name, page) => {
    seen.push(name);
    await page.waitForLoadState('load');
    const m = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      wide: [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
        .filter((el) => !el.closest('.table-scroll, .visually-hidden, .skip-link'))
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
      noAlt: [...document.images].filter((img) => !img.hasAttribute('alt')).map((img) => img.src),
      unsized: [...document.images].filter((img) => !img.getAttribute('width') || !img.getAttribute('height')).map((img) => img.src),
      unlabelled: [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter((el) => !el.labels?.length && !el.getAttribute('aria-label'))
        .map((el) => el.name),
    }));
    assert.ok(
      m.scrollWidth <= m.innerWidth,
      `${name}: scrollWidth ${m.scrollWidth} > innerWidth ${m.innerWidth}; too wide: ${m.wide.join(', ')}`,
    );
    assert.deepEqual(m.noAlt, [], `${name}: images without alt`);
    assert.deepEqual(m.unsized, [], `${name}: images without width and height (the page would shift as they load)`);
    assert.deepEqual(m.unlabelled, [], `${name}: form fields without a label`);
  });
  assert.equal(seen.length, 30);
  // Every page walked (and those the orders were placed through) passes axe-core.
  await assertAccessible(browser, server.url);
});
