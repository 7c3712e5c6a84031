// The shop and its admin on a phone and from the keyboard: the page's message scrolls
// away and can be dismissed without script; the admin header is one short row on a phone
// with its links in a menu; a catalogue card is one link and its add form, so "Next page"
// is few Tabs away; the ring round a focused card encloses its picture. Every page seen
// goes through axe-core, and the open menu too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { violationsHere } from '../lib/axe.mjs';
import { DESKTOP, PHONE, newContext } from '../lib/browser.mjs';
import { createProducts, makeCategory } from '../lib/categories.mjs';
import { focused, tabTo } from '../lib/focus.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import { adminLogin, catalogueCard } from '../lib/shop.mjs';

const WIDTHS = [
  ['1280', DESKTOP],
  ['390', { ...PHONE }],
];

/** Whether two boxes overlap. */
function overlap(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

test(
  'the page\'s message scrolls away with the page, never over the products, and its Dismiss link (keyboard, no script) loads the page again without it',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    for (const [label, viewport] of WIDTHS) {
      const context = await newContext(browser, { viewport });
      const page = await context.newPage();
      await page.goto(`${url}/`);
      const card = catalogueCard(page, 12);
      await card.getByLabel(/^Quantity of /).fill('2');
      await Promise.all([page.waitForURL(`${url}/#product-12`), card.getByRole('button', { name: /^Add to basket/ }).click()]);
      const flash = page.locator('main > .flash');
      await flash.waitFor();
      assert.equal(await flash.evaluate((el) => getComputedStyle(el).position), 'static', `${label}: neither sticky nor fixed`);

      // From the top of the page, scrolling through the products: the message goes up with
      // the page and is over no card at any point.
      for (let y = 0; y < 3000; y += 400) {
        await page.evaluate((top) => window.scrollTo(0, top), y);
        const box = await flash.boundingBox();
        for (const cardBox of await page.locator('.product-card').evaluateAll((cards) => cards.map((c) => c.getBoundingClientRect().toJSON()))) {
          assert.ok(!overlap(box, cardBox), `${label}: at scrollY ${y} the message overlaps a card`);
        }
      }
      assert.ok((await flash.boundingBox()).y + (await flash.boundingBox()).height < 0, `${label}: scrolled away`);

      // The keyboard reaches Dismiss, named for what it does, going back up from the card.
      await page.evaluate(() => window.scrollTo(0, 0));
      await catalogueCard(page, 12).getByRole('link').focus();
      const dismiss = await tabTo(page, (f) => f.text === 'Dismiss this message', 'Dismiss', 80, 'Shift+Tab');
      assert.equal(dismiss.href, '/');
      assert.equal(await page.getByRole('link', { name: 'Dismiss this message' }).count(), 1);
      await Promise.all([page.waitForURL(`${url}/`), page.keyboard.press('Enter')]);
      await page.getByRole('heading', { level: 1 }).waitFor();
      assert.equal(await page.locator('main > .flash').count(), 0, `${label}: dismissed`);
      assert.equal(Number(await page.locator('.basket-count').innerText()), 2, 'the add stands');
      await context.close();
    }
  }),
);

test(
  'on a 390 × 844 phone the admin header is one short row whose links open as a menu without script; at 1280 they stay in a row',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const links = ['Orders', 'Emails', 'Products', 'Categories', 'Baskets', 'Customers', 'Sessions', 'View shop'];
    const desktop = await (await newContext(browser)).newPage();
    await adminLogin(desktop, url);
    const row = desktop.getByRole('navigation', { name: 'Admin' });
    for (const name of links) assert.ok(await row.getByRole('link', { name }).isVisible(), `1280: ${name} in the row`);
    assert.equal(await desktop.locator('.admin-menu').isVisible(), false, '1280: no menu');
    const wide = (await desktop.locator('header.site-header').boundingBox()).height;
    assert.ok(wide <= 110, `1280: the header is ${wide} px, as before`);

    const context = await newContext(browser, { viewport: PHONE, bypassCSP: true });
    const phone = await context.newPage();
    await adminLogin(phone, url);
    const header = phone.locator('header.site-header');
    const closed = (await header.boundingBox()).height;
    assert.ok(closed <= 80, `390: the closed header is ${closed} px tall`);
    assert.equal(await phone.getByRole('link', { name: 'Orders' }).count(), 0, 'the links are in the closed menu');

    // The keyboard opens it: Tab to "Menu", Enter; its links follow, each with a ring.
    const menu = await tabTo(phone, (f) => f.tag === 'summary', 'the menu');
    assert.equal(menu.text, 'Menu');
    await phone.keyboard.press('Enter');
    await phone.locator('.admin-menu[open]').waitFor();
    for (const name of links) {
      const link = await tabTo(phone, (f) => f.tag === 'a', name, 2);
      assert.equal(link.text, name);
    }
    const logOut = await tabTo(phone, (f) => f.tag === 'button', 'Log out', 2);
    assert.equal(logOut.text, 'Log out');
    // Open, it lies over the page under the header, which keeps its height.
    assert.equal((await header.boundingBox()).height, closed);
    const nav = await phone.locator('.admin-menu nav').boundingBox();
    assert.ok(nav.y >= closed - 1 && nav.x === 0 && nav.width === PHONE.width, `the menu under the header: ${JSON.stringify(nav)}`);
    assert.deepEqual(await violationsHere(phone), [], 'axe-core on the open menu');
    // A link in it goes where it says, and the next page starts with the menu closed.
    await Promise.all([phone.waitForURL(`${url}/admin/products`), phone.locator('.admin-menu').getByRole('link', { name: 'Products' }).click()]);
    assert.equal(await phone.locator('.admin-menu[open]').count(), 0, 'closed on the next page');
    await context.close();
  }),
);

test(
  'a catalogue card is its one link and its add form: "Next page" is a card\'s three Tabs times 24 away, and the ring round a focused card encloses its picture, at 1280 and 390 px',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser, t }) => {
    // 14 demo products and 11 more: two pages.
    const admin = await (await newContext(browser)).newPage();
    await adminLogin(admin, url);
    const { id } = await makeCategory(admin, url, 'Kitchen');
    await createProducts(admin, url, Array.from({ length: 11 }, (_, i) => `Beech Spoon ${i + 1}`), id);

    const counts = [];
    for (const [label, viewport] of WIDTHS) {
      const page = await (await newContext(browser, { viewport })).newPage();
      await page.goto(`${url}/`);
      // What the keyboard stops at: before the grid, and in each card (a sold-out card's
      // quantity and button are disabled: its link only).
      const stops = await page.evaluate(() => {
        const focusable = (root) => [...root.querySelectorAll('a[href], button:not([disabled]), input:not([type=hidden]):not([disabled])')];
        const grid = document.querySelector('.product-grid');
        const before = focusable(document.body).filter((el) => grid.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING);
        const cards = [...grid.querySelectorAll('.product-card')].map((card) => ({ links: card.querySelectorAll('a[href]').length, stops: focusable(card).length }));
        return { before: before.length, cards };
      });
      assert.equal(stops.cards.length, 24);
      for (const card of stops.cards) {
        assert.equal(card.links, 1, `${label}: one link a card`);
        assert.ok(card.stops <= 3, `${label}: ${card.stops} stops in a card`);
      }

      let tabs = 0;
      for (;;) {
        tabs += 1;
        await page.keyboard.press('Tab');
        const f = await focused(page);
        if (f.text === 'Next page') break;
        assert.ok(tabs < 120, `${label}: Tab never reached Next page`);
      }
      const inCards = stops.cards.reduce((sum, card) => sum + card.stops, 0);
      assert.equal(tabs, stops.before + inCards + 1, `${label}: every stop accounted for`);
      // With the picture as a second link, each card was a Tab more (101 in all before).
      assert.ok(tabs <= stops.before + 3 * 24 + 1, `${label}: ${tabs} Tabs`);
      counts.push(tabs);
      t.diagnostic(`${label} px: ${tabs} Tabs to "Next page" (a second link a card would make it ${tabs + 24})`);

      // The ring: on the card's link, drawn round the card, the picture inside it.
      await page.evaluate(() => window.scrollTo(0, 0));
      const first = catalogueCard(page, 1);
      await first.getByRole('link').focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      const ring = await first.getByRole('link').evaluate((link) => {
        const style = getComputedStyle(link, '::after');
        const card = link.closest('.product-card');
        const box = card.getBoundingClientRect();
        const width = parseFloat(style.outlineWidth);
        const offset = parseFloat(style.outlineOffset);
        // The ::after box is the card's inside its border; the outline's inner edge is that
        // box moved out by the offset (in, when it is negative).
        const [left, top] = [box.x + card.clientLeft - offset, box.y + card.clientTop - offset];
        const inner = { x: left, y: top, right: box.right - card.clientLeft + offset, bottom: box.bottom - card.clientTop + offset };
        return { style: style.outlineStyle, width, inner, picture: link.closest('.product-card').querySelector('img').getBoundingClientRect().toJSON() };
      });
      assert.equal(ring.style, 'solid', `${label}: a ring`);
      assert.ok(ring.width >= 2, `${label}: ${ring.width} px`);
      const { inner, picture } = ring;
      assert.ok(
        picture.x >= inner.x && picture.y >= inner.y && picture.right <= inner.right && picture.bottom <= inner.bottom,
        `${label}: the picture ${JSON.stringify(picture)} lies inside the ring ${JSON.stringify(inner)}`,
      );
      await page.context().close();
    }
    assert.equal(counts[0], counts[1], 'the same stops at both widths');
  }),
);
