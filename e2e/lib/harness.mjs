// One fresh server (own SQLite database) and one fresh browser per test, always torn down.
import { assertAccessible } from './axe.mjs';
import { closeQuietly, launchBrowser } from './browser.mjs';
import { startSmtpSink } from './mail.mjs';
import { startServer } from './server.mjs';
import { startStripeDouble } from './stripe.mjs';

export const TEST_TIMEOUT = 60_000;

/**
 * Wraps a test body: fn({ url, browser, server, mail, t }).
 * serverOptions go to startServer (e.g. { sessionTtl: 2 }); with { mail: true } the server
 * sends its emails to a real SMTP server (lib/mail.mjs), given to fn as `mail`; with
 * { stripe: true } it takes card payments on the Stripe test double (lib/stripe.mjs),
 * given to fn as `stripe`.
 */
export function withShop(fn, { mail: withMail = false, stripe: withStripe = false, ...serverOptions } = {}) {
  return async (t) => {
    const mail = withMail ? await startSmtpSink() : undefined;
    const stripe = withStripe ? await startStripeDouble() : undefined;
    let server;
    let browser;
    try {
      let options = mail ? { ...serverOptions, smtpUrl: mail.url } : serverOptions;
      if (stripe) options = { ...options, env: { ...(options.env ?? {}), ...stripe.env } };
      server = await startServer(options);
      stripe?.deliverTo(`${server.url}/payments/stripe/webhook`);
    } catch (err) {
      await mail?.stop();
      await stripe?.stop();
      throw err;
    }
    try {
      browser = await launchBrowser();
      await fn({ url: server.url, browser, server, mail, stripe, t });
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
      await mail?.stop();
      await stripe?.stop();
    }
  };
}
