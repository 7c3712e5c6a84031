// One fresh server (own SQLite database) and one fresh browser per test, always torn down.
import { assertAccessible } from './axe.mjs';
import { closeQuietly, launchBrowser } from './browser.mjs';
import { startServer } from './server.mjs';

export const TEST_TIMEOUT = 60_000;

/**
 * Wraps a test body: fn({ url, browser, server, t }).
 * serverOptions go to startServer (e.g. { sessionTtl: 2 }).
 */
export function withShop(fn, serverOptions = {}) {
  return async (t) => {
    const server = await startServer(serverOptions);
    let browser;
    try {
      browser = await launchBrowser();
      await fn({ url: server.url, browser, server, t });
      // Every page the test saw, errors included, passes axe-core.
      const checked = await assertAccessible(browser, server.url);
      t.diagnostic(`axe-core: ${checked} pages, no violations`);
    } catch (err) {
      const logs = server.logs().trim();
      if (logs) {
        t.diagnostic('server log (tail):');
        for (const line of logs.slice(-4000).split('\n')) t.diagnostic(line);
      }
      throw err;
    } finally {
      await closeQuietly(browser);
      await server.stop();
    }
  };
}
