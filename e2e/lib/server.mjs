// Starts one Trolley server on a free 127.0.0.1 port with a fresh SQLite database.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'correct horse battery';

export function binaryPath() {
  const bin = process.env.TROLLEY_BIN || path.join(REPO, 'target', 'debug', 'trolley');
  return path.resolve(bin);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Resolves to 'timeout' after ms unless the promise settles first; never leaves a timer behind.
function within(promise, ms) {
  let timer;
  const timeout = new Promise((r) => {
    timer = setTimeout(() => r('timeout'), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Start the server. Options: { sessionTtl: seconds, smtpUrl: where order emails go,
 * env: more variables (e.g. TROLLEY_PAYMENTS) }.
 * Returns { url, stop(), logs(), createAdmin(username, password) }.
 */
export async function startServer({ sessionTtl, smtpUrl, env: extra = {}, timeoutMs = 30_000 } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'trolley-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME || dir,
    DATABASE_URL: `sqlite://${path.join(dir, 'trolley.db')}`,
    TROLLEY_ADDR: `127.0.0.1:${port}`,
    TROLLEY_ADMIN_USER: ADMIN_USER,
    TROLLEY_ADMIN_PASSWORD: ADMIN_PASSWORD,
    TROLLEY_STATIC_DIR: path.join(REPO, 'static'),
    TROLLEY_DEMO_DATA: 'true',
    RUST_LOG: 'warn',
    ...extra,
  };
  if (sessionTtl !== undefined) env.TROLLEY_SESSION_TTL = String(sessionTtl);
  if (smtpUrl !== undefined) {
    env.TROLLEY_SMTP_URL = smtpUrl;
    env.TROLLEY_PUBLIC_URL = url;
  }

  // cwd is the temp dir so that no .env in the repo is read.
  const child = spawn(binaryPath(), ['serve'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  let spawnError = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
    child.on('error', (err) => {
      spawnError = err;
      exited = true;
      resolve({ code: -1, signal: null });
    });
  });

  const cleanup = () => rmSync(dir, { recursive: true, force: true });

  async function stop() {
    if (!exited) {
      child.kill('SIGTERM');
      if ((await within(exitPromise, 10_000)) === 'timeout') {
        child.kill('SIGKILL');
        await within(exitPromise, 5_000);
      }
    }
    cleanup();
  }

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      cleanup();
      throw new Error(`trolley exited before answering /healthz${spawnError ? `: ${spawnError.message}` : ''}\n${output}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`trolley did not answer /healthz within ${timeoutMs} ms\n${output}`);
    }
    await sleep(100);
  }

  /** Another admin, made with `trolley create-admin` on the server's database. */
  function createAdmin(username, password) {
    const adminEnv = { ...env, TROLLEY_ADMIN_USER: username, TROLLEY_ADMIN_PASSWORD: password };
    return new Promise((resolve, reject) => {
      execFile(binaryPath(), ['create-admin', username], { cwd: dir, env: adminEnv, timeout: 30_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`create-admin ${username}: ${err.message}\n${stderr}`)) : resolve(stdout),
      );
    });
  }

  return { url, stop, logs: () => output, createAdmin };
}
