// axe-core on every page the browser tests see. Every context made by newContext() records
// the HTML of each page it loads (every document response, error pages and 409s included);
// assertAccessible() then draws each one again, on the shop's own origin with its own
// styles, runs axe-core over it and fails on any violation. Checking after the test, from
// the recorded HTML, means that no check races a test that moves on to the next page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const records = new WeakMap();

function recordOf(browser) {
  if (!records.has(browser)) records.set(browser, { pages: new Map(), pending: [] });
  return records.get(browser);
}

/** Pages differ only by their tokens (CSRF, order): one check per page otherwise alike. */
function pageKey(html) {
  return html.replace(/[A-Za-z0-9_-]{22,}/g, 'TOKEN');
}

/** Records every HTML page this context loads, for assertAccessible(browser). */
export function recordPages(browser, context) {
  const record = recordOf(browser);
  context.on('response', (response) => {
    if (response.request().resourceType() !== 'document') return;
    if (!(response.headers()['content-type'] || '').startsWith('text/html')) return;
    const seen = response
      .text()
      .then((html) => {
        const key = pageKey(html);
        if (!record.pages.has(key)) record.pages.set(key, { url: response.url(), status: response.status(), html });
      })
      // A body the browser already dropped (a page left at once) cannot be checked.
      .catch(() => {});
    record.pending.push(seen);
  });
}

async function violationsOf(page, html) {
  await page.setContent(html, { waitUntil: 'load' });
  return violationsHere(page);
}

/**
 * axe-core's violations on the page as it is now (a state no address reaches, such as an
 * open menu). The page's context must be made with { bypassCSP: true } for the script.
 */
export async function violationsHere(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((node) => node.target.join(' ')),
    }));
  });
}

/**
 * Runs axe-core over every page recorded for this browser, drawn again on `origin` (for
 * its styles and images) in a context that lets the axe script in past the CSP. Fails on
 * any violation; returns how many distinct pages were checked.
 */
export async function assertAccessible(browser, origin) {
  const record = recordOf(browser);
  await Promise.all(record.pending);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  try {
    const page = await context.newPage();
    await page.goto(`${origin}/healthz`);
    const failures = [];
    for (const { url, status, html } of record.pages.values()) {
      const violations = await violationsOf(page, html);
      if (violations.length) failures.push(`${status} ${url}: ${JSON.stringify(violations, null, 1)}`);
    }
    assert.deepEqual(failures, [], `axe-core found violations:\n${failures.join('\n')}`);
    assert.ok(record.pages.size > 0, 'no page was recorded for axe-core');
    return record.pages.size;
  } finally {
    record.pages.clear();
    record.pending.length = 0;
    await context.close();
  }
}
