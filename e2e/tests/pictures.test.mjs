// Product pictures in the browser: an admin's uploads (and what is refused), the gallery
// without script, every <img> described and sized at desktop and phone widths, lazy
// below the first row, nothing shifting as pictures load, and one link a catalogue card
// with a ring round the card for the keyboard. Every page seen goes through axe-core.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DESKTOP, PHONE, newContext } from '../lib/browser.mjs';
import { focused, tabTo } from '../lib/focus.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import {
  addPicture,
  assertDescribedAndSized,
  cumulativeLayoutShift,
  imagesOn,
  jpegUpload,
  listedPictures,
  loadEveryPicture,
  pngUpload,
  picturesSection,
} from '../lib/pictures.mjs';
import { readPng } from '../lib/png.mjs';
import { adminLogin, catalogueCard } from '../lib/shop.mjs';

const TOWEL = 3; // Linen Tea Towel: its demo picture, then the admin's
const STRIPES = 'A folded linen tea towel with rust-red diagonal stripes';
const HUNG = 'The tea towel hung from an oven door handle';

/** The widths of a srcset's candidates: "/media/a-320.jpg 320w, …" → [320, …]. */
function candidateWidths(srcset) {
  return (srcset ?? '').split(',').map((candidate) => Number(/\s(\d+)w$/.exec(candidate.trim())?.[1]));
}

test(
  'an admin adds a PNG and a JPEG with alternative text and picks the main one, a text file named .jpg (415) and a blank alternative text (422) change nothing, and without JavaScript the product page shows every picture',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const admin = await (await newContext(browser)).newPage();
    await adminLogin(admin, url);
    await admin.goto(`${url}/admin/products/${TOWEL}`);
    const [demo] = await listedPictures(admin);
    assert.match(demo, /^Linen Tea Towel, drawn as /);

    // Refused: a text file named .jpg (415, the message on the admin's error page)…
    const fake = { name: 'towel.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('Not a picture at all, just words.\n') };
    assert.equal(await addPicture(admin, url, TOWEL, fake, 'A towel'), 415);
    await admin.getByRole('heading', { level: 1 }).waitFor();
    assert.match(await admin.locator('main').innerText(), /That file is not a JPEG, PNG or WebP picture\./);
    // …and a real picture with an alternative text of spaces only (422).
    await admin.goto(`${url}/admin/products/${TOWEL}`);
    assert.equal(await addPicture(admin, url, TOWEL, pngUpload('towel.png', 400, 300, [180, 70, 40]), '   '), 422);
    assert.match(await admin.locator('main').innerText(), /describe the picture for people who cannot see it/);
    await admin.goto(`${url}/admin/products/${TOWEL}`);
    assert.deepEqual(await listedPictures(admin), [demo], 'the refused uploads left the list as it was');

    // A PNG drawn here and a JPEG drawn on the page's canvas.
    assert.equal(await addPicture(admin, url, TOWEL, pngUpload('stripes.png', 1200, 800, [180, 70, 40]), STRIPES), 303);
    const jpeg = await jpegUpload(admin, 'hung.jpg', 1600, 1200, '#3f6f8f');
    assert.equal(await addPicture(admin, url, TOWEL, jpeg, HUNG), 303);
    assert.deepEqual(await listedPictures(admin), [demo, STRIPES, HUNG]);
    await Promise.all([
      admin.waitForURL(`${url}/admin/products/${TOWEL}#pictures`),
      picturesSection(admin).getByRole('button', { name: `Make main picture: ${STRIPES}` }).click(),
    ]);
    await admin.locator('main > .flash', { hasText: 'That picture is the main one now.' }).waitFor();
    assert.deepEqual(await listedPictures(admin), [STRIPES, demo, HUNG]);

    // A shopper without JavaScript: the catalogue card shows the main picture, the product
    // page all three, and "More pictures" links each to its full-size variant.
    const context = await newContext(browser, { javaScriptEnabled: false });
    const shopper = await context.newPage();
    await shopper.goto(`${url}/`);
    assert.equal(await catalogueCard(shopper, TOWEL).locator('img').getAttribute('alt'), STRIPES);
    await shopper.goto(`${url}/products/${TOWEL}`);
    assert.equal(await shopper.locator('.gallery > img').getAttribute('alt'), STRIPES);
    const more = shopper.getByRole('list', { name: 'More pictures' }).getByRole('link');
    assert.deepEqual(await more.locator('img').evaluateAll((imgs) => imgs.map((img) => img.alt)), [demo, HUNG]);
    const hung = more.filter({ has: shopper.getByAltText(HUNG) });
    const href = await hung.getAttribute('href');
    assert.match(href, /^\/media\/[^/]+-1280\.jpg$/, 'the full-size variant: 1280 wide, the widest kept');
    const [opened] = await Promise.all([shopper.waitForResponse(`${url}${href}`), hung.click()]);
    await shopper.waitForURL(`${url}${href}`);
    assert.equal(opened.status(), 200);
    assert.equal(opened.headers()['content-type'], 'image/jpeg');
    const [size] = await shopper.locator('img').evaluateAll((imgs) => imgs.map((img) => [img.naturalWidth, img.naturalHeight]));
    assert.deepEqual(size, [1280, 960]);

    // Removing one takes it off the shop's pages too.
    await Promise.all([
      admin.waitForURL(`${url}/admin/products/${TOWEL}#pictures`),
      picturesSection(admin).getByRole('button', { name: `Remove picture: ${HUNG}` }).click(),
    ]);
    await admin.locator('main > .flash', { hasText: 'The picture is removed.' }).waitFor();
    assert.deepEqual(await listedPictures(admin), [STRIPES, demo]);
    await shopper.goto(`${url}/products/${TOWEL}`);
    assert.equal(await shopper.getByAltText(HUNG).count(), 0);
    assert.equal(await shopper.getByRole('list', { name: 'More pictures' }).getByRole('link').count(), 1);
  }),
);

/**
 * Opens `path` with every /media response held back `delay` ms (so that pictures arrive
 * after the first layout, as on a slow network), and returns the picture boxes before
 * any had loaded and after all had, and the cumulative layout shift meanwhile.
 */
async function loadSlowly(page, url, path, delay = 400) {
  await page.route('**/media/**', async (route) => {
    await new Promise((r) => setTimeout(r, delay));
    await route.continue();
  });
  await page.goto(`${url}${path}`, { waitUntil: 'commit' });
  await page.waitForFunction(
    () => document.readyState !== 'loading' && [...document.querySelectorAll('link[rel=stylesheet]')].every((link) => link.sheet),
  );
  const before = await imagesOn(page, 'main img');
  assert.ok(before.some((img) => !img.complete), `${path}: some pictures were still on their way`);
  await page.waitForLoadState('load');
  await loadEveryPicture(page);
  const after = await imagesOn(page, 'main img');
  const shift = await cumulativeLayoutShift(page);
  await page.unroute('**/media/**');
  return { before, after, shift };
}

/** A shift of 0.25 made on purpose: the measure sees shifts (headless Chromium reports them). */
async function assertShiftsAreSeen(page) {
  const before = await cumulativeLayoutShift(page);
  await page.evaluate(() => {
    const spacer = document.createElement('div');
    spacer.style.height = `${innerHeight / 2}px`;
    document.querySelector('main').prepend(spacer);
  });
  await page.waitForTimeout(100);
  assert.ok((await cumulativeLayoutShift(page)) > before + 0.05, 'a shift made on purpose is measured');
}

test(
  'at 1280 and 390 px every picture has alt, width and height, those below the first row load lazily, nothing shifts as the pictures arrive, and the gallery\'s links show a focus ring',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    // A gallery of three: two pictures more for the teapot.
    const admin = await (await newContext(browser)).newPage();
    await adminLogin(admin, url);
    await admin.goto(`${url}/admin/products/2`);
    assert.equal(await addPicture(admin, url, 2, pngUpload('lid.png', 900, 900, [60, 110, 150]), 'The teapot lid, from above'), 303);
    assert.equal(await addPicture(admin, url, 2, pngUpload('spout.png', 1400, 700, [150, 90, 60]), 'The spout, close up'), 303);

    for (const [label, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ]) {
      const page = await (await newContext(browser, { viewport })).newPage();

      // The catalogue: room kept for every picture, so nothing moves as they arrive.
      const catalogue = await loadSlowly(page, url, '/');
      assertDescribedAndSized(await imagesOn(page), `${label} /`);
      assert.deepEqual(
        catalogue.after.map((img) => img.box),
        catalogue.before.map((img) => img.box),
        `${label} /: picture boxes moved as the pictures loaded`,
      );
      assert.ok(catalogue.shift < 0.001, `${label} /: cumulative layout shift ${catalogue.shift}`);

      // Lazy below the first row. The HTML is the same at every width, so "the first
      // row" is the widest layout's: four cards. At 1280 px exactly those four load at
      // once; at 390 px the first row (one card) does, and so do cards 2-4, which lie within
      // the distance at which Chromium loads lazy pictures anyway.
      const cards = await imagesOn(page, '.product-card img');
      assert.ok(cards.length > 8, `${label}: ${cards.length} cards`);
      const firstRow = cards.filter((img) => img.box.y === cards[0].box.y);
      assert.equal(firstRow.length, label === 'desktop' ? 4 : 1, `${label}: cards in the first row`);
      for (const [index, img] of cards.entries()) {
        const shouldBeLazy = index >= 4;
        assert.equal(img.loading === 'lazy', shouldBeLazy, `${label}: card ${index + 1} loading=${img.loading}`);
      }
      for (const img of firstRow) assert.notEqual(img.loading, 'lazy', `${label}: the first row loads at once`);
      // Choices for the browser: the demo pictures are drawn at 320 and 640 wide (an upload
      // of a large photograph has 1280 too), and a card never fetches the widest.
      for (const img of cards) {
        assert.deepEqual(candidateWidths(img.srcset), [320, 640], `${label}: srcset ${img.srcset}`);
        assert.ok(img.sizes, `${label}: sizes`);
        assert.doesNotMatch(img.currentSrc, /-1280\.jpg$/, `${label}: a card fetched ${img.currentSrc}`);
      }

      // The teapot's page: its main picture at once, the two more as thumbnails.
      const product = await loadSlowly(page, url, '/products/2');
      const images = await imagesOn(page);
      assertDescribedAndSized(images, `${label} /products/2`);
      assert.deepEqual(
        product.after.map((img) => img.box),
        product.before.map((img) => img.box),
        `${label} /products/2: picture boxes moved as the pictures loaded`,
      );
      assert.ok(product.shift < 0.001, `${label} /products/2: cumulative layout shift ${product.shift}`);
      const gallery = await imagesOn(page, '.gallery img');
      assert.deepEqual(
        gallery.map((img) => img.alt),
        [await page.locator('.gallery > img').getAttribute('alt'), 'The teapot lid, from above', 'The spout, close up'],
      );
      assert.equal(gallery[0].loading, null, 'the main picture loads at once');
      for (const img of gallery) assert.ok(img.srcset && img.sizes, `${label}: srcset and sizes on ${img.alt}`);
      for (const img of gallery.slice(1)) assert.doesNotMatch(img.currentSrc, /-(640|1280|1400)\.jpg$/, `${label}: a thumbnail fetched ${img.currentSrc}`);

      await assertShiftsAreSeen(page);

      // The keyboard reaches the "More pictures" links, and their ring shows.
      await page.reload();
      const thumbnail = await tabTo(page, (f) => f.href?.startsWith('/media/'), 'a "More pictures" link');
      assert.ok(thumbnail.ring);
      assert.match(await page.evaluate(() => document.activeElement.querySelector('img').alt), /^The teapot lid/);
      await page.context().close();
    }

    // The admin's page with three pictures goes through axe-core too.
    await admin.goto(`${url}/admin/products/2`);
    assert.equal(await picturesSection(admin).locator('.picture-list li').count(), 3);
  }),
);

test(
  'with the keyboard a catalogue card is three Tab stops (its link, quantity, Add), its link rings the whole card, and a click on its picture opens the product',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const page = await (await newContext(browser)).newPage();
    await page.goto(`${url}/`);
    const first = catalogueCard(page, 1);
    const unfocused = readPng(await first.screenshot({ animations: 'disabled' }));

    const link = await tabTo(page, (f) => f.href === '/products/1', "the first card's link");
    assert.equal(link.text, 'Enamel Camping Mug');
    // The ring is drawn by the link's ::after, stretched over the card: 3 px, inside its edge.
    const ring = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement, '::after');
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), offset: parseFloat(style.outlineOffset) };
    });
    assert.equal(ring.style, 'solid');
    assert.ok(ring.width >= 2 && ring.offset <= -ring.width, `a ${ring.width} px ring, offset ${ring.offset} px: inside the card`);

    // Pixels: along the card's edge, inside it, the focused card differs from the unfocused
    // one all the way round (a ring, not a change somewhere).
    const ringed = readPng(await first.screenshot({ animations: 'disabled' }));
    assert.equal(ringed.width, unfocused.width);
    // The ring's middle: inside the card's 1 px border, halfway across the 3 px ring;
    // the rounded corners are left out.
    const inset = 2;
    const edge = [];
    for (let x = 16; x < ringed.width - 16; x += 4) edge.push([x, inset], [x, ringed.height - 1 - inset]);
    for (let y = 16; y < ringed.height - 16; y += 4) edge.push([inset, y], [ringed.width - 1 - inset, y]);
    const changed = edge.filter(([x, y]) => {
      const [a, b] = [unfocused.pixel(x, y), ringed.pixel(x, y)];
      return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]) > 60;
    });
    assert.ok(changed.length >= 0.95 * edge.length, `the ring shows on ${changed.length} of ${edge.length} pixels round the card's edge`);

    // One link a card: the card's quantity, its button, then the next card's link.
    await page.keyboard.press('Tab');
    const quantity = await focused(page);
    assert.equal(quantity.id, 'card-qty-1');
    assert.ok(quantity.ring);
    await page.keyboard.press('Tab');
    const add = await focused(page);
    assert.equal(add.tag, 'button');
    assert.match(add.text, /^Add to basket/);
    assert.ok(add.ring);
    await page.keyboard.press('Tab');
    const next = await focused(page);
    assert.equal(next.href, '/products/2');
    assert.ok(next.ring);
    // Every card has exactly one link, to its product.
    const links = await page.locator('.product-card').evaluateAll((cards) => cards.map((card) => [...card.querySelectorAll('a')].map((a) => a.getAttribute('href'))));
    for (const [index, hrefs] of links.entries()) assert.equal(hrefs.length, 1, `card ${index + 1} has links ${hrefs}`);

    // The picture is under the link's ::after: what is hit there is the link, and a click
    // on the picture opens the product.
    const picture = catalogueCard(page, 2).locator('img');
    await picture.scrollIntoViewIfNeeded();
    const box = await picture.boundingBox();
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    assert.equal(await page.evaluate(([px, py]) => document.elementFromPoint(px, py)?.getAttribute('href'), [x, y]), '/products/2');
    await Promise.all([page.waitForURL(`${url}/products/2`), page.mouse.click(x, y)]);
    await page.getByRole('heading', { level: 1, name: 'Stoneware Teapot' }).waitFor();
  }),
);
