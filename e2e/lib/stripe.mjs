// The Stripe test double (tests/stripe_double, NOT Stripe) as a process for the browser
// tests: `cargo build --example stripe-double` puts it beside the trolley binary, under
// examples/. It prints its address, takes the shop's webhook address on its input, and
// delivers each event there, signed, until it is taken.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { binaryPath } from './server.mjs';

export const SECRET_KEY = 'sk_test_double_4242';
export const WEBHOOK_SECRET = 'whsec_double_4242';

export function doublePath() {
  return path.join(path.dirname(binaryPath()), 'examples', 'stripe-double');
}

/** Starts the double: { base, env (the shop's TROLLEY_* for it), deliverTo(url), stop() }. */
export async function startStripeDouble() {
  const child = spawn(doublePath(), [], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Stripe double did not start\n${output}`)), 15_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`the Stripe double (${doublePath()}) did not start: ${err.message}; build it with cargo build --example stripe-double`));
    });
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
      const line = output.split('\n')[0];
      if (output.includes('\n')) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.stderr.on('data', (chunk) => {
      output += chunk.toString();
    });
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    base,
    env: {
      TROLLEY_PAYMENTS: 'stripe',
      TROLLEY_STRIPE_SECRET_KEY: SECRET_KEY,
      TROLLEY_STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TROLLEY_STRIPE_API_BASE: base,
    },
    deliverTo(url) {
      child.stdin.write(`${url}\n`);
    },
    async stop() {
      child.stdin.end();
      const done = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 5_000))]);
      if (done === 'timeout') child.kill('SIGKILL');
    },
  };
}
