import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { newContext } from '../lib/browser.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import { addFromCatalogue, addFromProductPage, basketLines } from '../lib/shop.mjs';

test(
  'two browsers shopping at the same time keep separate baskets',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const alice = await (await newContext(browser)).newPage();
    const bob = await (await newContext(browser)).newPage();

    // Interleaved, and partly at the same moment.
    await addFromCatalogue(alice, url, 1, 2);
    await addFromCatalogue(bob, url, 3, 1);
    await Promise.all([addFromProductPage(alice, url, 2, 1), addFromProductPage(bob, url, 4, 3)]);

    await Promise.all([alice.goto(`${url}/basket`), bob.goto(`${url}/basket`)]);
    assert.deepEqual(await basketLines(alice), [
      { name: 'Enamel Camping Mug', quantity: 2 },
      { name: 'Stoneware Teapot', quantity: 1 },
    ]);
    assert.deepEqual(await basketLines(bob), [
      { name: 'Beeswax Pillar Candle', quantity: 3 },
      { name: 'Linen Tea Towel', quantity: 1 },
    ]);
    assert.equal((await alice.locator('.basket-count').textContent()).trim(), '3');
    assert.equal((await bob.locator('.basket-count').textContent()).trim(), '4');

    // Emptying one basket leaves the other alone.
    for (;;) {
      const remove = alice.getByRole('button', { name: /^Remove/ }).first();
      if ((await remove.count()) === 0) break;
      await Promise.all([alice.waitForURL(`${url}/basket`), remove.click()]);
    }
    await alice.getByText('Your basket is empty').waitFor();
    await bob.reload();
    assert.equal((await basketLines(bob)).length, 2);
  }),
);

test(
  'a session past its TTL comes back as an empty basket and the shop still works',
  { timeout: TEST_TIMEOUT },
  withShop(
    async ({ url, browser }) => {
      const page = await (await newContext(browser)).newPage();
      await addFromCatalogue(page, url, 1, 2);
      assert.deepEqual(await basketLines(page), [{ name: 'Enamel Camping Mug', quantity: 2 }]);

      // Past the TTL (5 s: short, yet long enough for the steps before and after it to
      // finish within it on a loaded machine, where 2 s was not).
      await sleep(6_000);

      const response = await page.goto(`${url}/basket`);
      assert.equal(response.status(), 200);
      await page.getByText('Your basket is empty').waitFor();
      assert.equal((await page.locator('.basket-count').textContent()).trim(), '0');

      // The same browser (same, now stale, cookie) can shop again at once.
      await addFromCatalogue(page, url, 5, 1);
      assert.deepEqual(await basketLines(page), [{ name: 'Oak Chopping Board', quantity: 1 }]);
      await page.reload();
      assert.deepEqual(await basketLines(page), [{ name: 'Oak Chopping Board', quantity: 1 }]);
    },
    { sessionTtl: 5 },
  ),
);
