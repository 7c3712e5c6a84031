// Refreshes the README's screenshots: every page at desktop (1280×900) and phone (390×844)
// sizes, full page, into docs/screenshots/ (or TROLLEY_SCREENSHOTS_DIR). Run on purpose
// through scripts/screenshots; the browser tests write nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DESKTOP, PHONE, closeQuietly, launchBrowser } from './lib/browser.mjs';
import { prepareOrders, walk } from './lib/pages.mjs';
import { REPO, freePort, startServer } from './lib/server.mjs';

const SCREENSHOTS = process.env.TROLLEY_SCREENSHOTS_DIR || path.join(REPO, 'docs', 'screenshots');

// A real SMTP server (tests/smtp_sink.py, Debian's python3-aiosmtpd) receives the order
// emails, so that one can be photographed as a mail client shows it.
const mailDir = mkdtempSync(path.join(os.tmpdir(), 'trolley-mail-'));
const smtpPort = await freePort();
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
// Its stdin stays open: the sink stops when it closes.
const sink = spawn(python, [path.join(REPO, 'tests', 'smtp_sink.py'), String(smtpPort), mailDir], { stdio: ['pipe', 'pipe', 'inherit'] });
await new Promise((resolve, reject) => {
  sink.stdout.once('data', resolve);
  sink.once('exit', (code) => reject(new Error(`smtp_sink.py exited with ${code}`)));
});
const server = await startServer({ smtpUrl: `smtp://127.0.0.1:${smtpPort}` });
const browser = await launchBrowser();
try {
  await prepareOrders(browser, server.url);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await photographEmail(browser, mailDir);
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
  sink.kill();
  rmSync(mailDir, { recursive: true, force: true });
}

/** The first order's confirmation email, its HTML body as a mail client shows it. */
async function photographEmail(browser, dir) {
  const deadline = Date.now() + 20_000;
  let first;
  while (!first && Date.now() < deadline) {
    const files = readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
    first = files.length ? JSON.parse(readFileSync(path.join(dir, files[0]), 'utf8')) : undefined;
    if (!first) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (!first) throw new Error('no order email arrived within 20 s');
  const file = path.join(dir, 'email.html');
  writeFileSync(file, first.html);
  const context = await browser.newContext({ viewport: { width: 800, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`file://${file}`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'email-order-placed.png'), fullPage: true });
  } finally {
    await closeQuietly(context);
  }
}
