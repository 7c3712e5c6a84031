// A real SMTP server for the emails the browser tests and the screenshots need:
// tests/smtp_sink.py (Debian's python3-aiosmtpd), as the Rust email tests run it. Every
// message it accepts is one JSON file in a temporary directory ({ to, subject, text, html }).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO, freePort } from './server.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the sink on a free port. Returns { url, received(), waitFor(want), stop() }:
 * `url` is what TROLLEY_SMTP_URL takes (startServer's smtpUrl).
 */
export async function startSmtpSink() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trolley-mail-'));
  const port = await freePort();
  // Debian's python3 has aiosmtpd; a python3 earlier on PATH (pyenv) may not.
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  // Its stdin stays open: the sink stops when it closes.
  const sink = spawn(python, [path.join(REPO, 'tests', 'smtp_sink.py'), String(port), dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let exited = false;
  const exit = new Promise((resolve) => sink.once('exit', (code) => ((exited = true), resolve(code))));
  try {
    await new Promise((resolve, reject) => {
      sink.stdout.once('data', resolve);
      sink.once('error', (err) => reject(new Error(`smtp_sink.py could not start: ${err.message}`)));
      exit.then((code) => reject(new Error(`smtp_sink.py exited with ${code} (is python3-aiosmtpd installed?)`)));
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  /** Every message received so far, in arrival order. */
  function received() {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')));
  }

  /** The first message for which want(message) holds, within timeoutMs. */
  async function waitFor(want = () => true, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = received().find(want);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such email arrived within ${timeoutMs} ms`);
      await sleep(200);
    }
  }

  async function stop() {
    if (!exited) {
      sink.stdin.end();
      const timer = setTimeout(() => sink.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  }

  return { url: `smtp://127.0.0.1:${port}`, received, waitFor, stop };
}
