// Product pictures through the admin's pages (the "Pictures" section of
// /admin/products/{id}), and what a shopper's browser makes of the <img> elements.
import assert from 'node:assert/strict';
import { submit } from './accounts.mjs';
import { stripedPng } from './png.mjs';

/** A PNG upload: { name, mimeType, buffer } for setInputFiles. */
export function pngUpload(name, width, height, colour) {
  return { name, mimeType: 'image/png', buffer: stripedPng(width, height, colour) };
}

/**
 * A JPEG upload drawn on a canvas in `page` (which must run scripts), as a camera's JPEG
 * would arrive: `shape` ('disc', 'pair' or 'spout') in `colour` on a lighter ground.
 */
export async function jpegUpload(page, name, width, height, colour, shape = 'disc') {
  const dataUrl = await page.evaluate(
    ([w, h, ink, kind]) => {
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      const g = canvas.getContext('2d');
      const ground = g.createLinearGradient(0, 0, 0, h);
      ground.addColorStop(0, '#fbf8f2');
      ground.addColorStop(1, '#e9e2d6');
      g.fillStyle = ground;
      g.fillRect(0, 0, w, h);
      g.fillStyle = ink;
      const r = Math.min(w, h) / 4;
      g.beginPath();
      if (kind === 'pair') {
        g.arc(w / 2 - r * 0.8, h / 2, r * 0.7, 0, 2 * Math.PI);
        g.moveTo(w / 2 + r * 1.5, h / 2);
        g.arc(w / 2 + r * 0.8, h / 2, r * 0.7, 0, 2 * Math.PI);
      } else if (kind === 'spout') {
        g.moveTo(w * 0.2, h * 0.75);
        g.lineTo(w * 0.8, h * 0.3);
        g.lineTo(w * 0.8, h * 0.75);
        g.closePath();
      } else {
        g.arc(w / 2, h / 2, r * 1.2, 0, 2 * Math.PI);
      }
      g.fill();
      return canvas.toDataURL('image/jpeg', 0.9);
    },
    [width, height, colour, shape],
  );
  assert.ok(dataUrl.startsWith('data:image/jpeg;base64,'), 'the canvas made a JPEG');
  return { name, mimeType: 'image/jpeg', buffer: Buffer.from(dataUrl.split(',')[1], 'base64') };
}

/** The pictures section of the admin's product page. */
export function picturesSection(page) {
  return page.getByRole('region', { name: 'Pictures' });
}

/**
 * On /admin/products/{id}: chooses `file`, types `alt` and presses "Add picture";
 * returns the POST's status (303 and back at #pictures with a message when it is added).
 */
export async function addPicture(page, url, productId, file, alt) {
  const section = picturesSection(page);
  await section.getByLabel(/^Picture \(/).setInputFiles(file);
  await section.getByLabel(/^Alternative text/).fill(alt);
  const status = await submit(page, url, `/admin/products/${productId}/images`, section.getByRole('button', { name: 'Add picture' }));
  if (status === 303) {
    assert.equal(page.url(), `${url}/admin/products/${productId}#pictures`);
    await page.locator('main > .flash', { hasText: 'The picture is added.' }).waitFor();
  }
  return status;
}

/** The alternative texts of the pictures listed on the admin's product page, main first. */
export function listedPictures(page) {
  return picturesSection(page).locator('.picture-list img').evaluateAll((imgs) => imgs.map((img) => img.alt));
}

/**
 * Every <img> on the page: its attributes as written (alt, width, height, loading, srcset,
 * sizes), what the browser chose (currentSrc) and its box in page coordinates.
 */
export function imagesOn(page, selector = 'img') {
  return page.locator(selector).evaluateAll((imgs) =>
    imgs.map((img) => {
      const box = img.getBoundingClientRect();
      return {
        alt: img.getAttribute('alt'),
        width: img.getAttribute('width'),
        height: img.getAttribute('height'),
        loading: img.getAttribute('loading'),
        srcset: img.getAttribute('srcset'),
        sizes: img.getAttribute('sizes'),
        currentSrc: img.currentSrc,
        complete: img.complete && img.naturalWidth > 0,
        box: { x: Math.round(box.x + scrollX), y: Math.round(box.y + scrollY), width: Math.round(box.width), height: Math.round(box.height) },
      };
    }),
  );
}

/** Every <img> has alt, and width and height as whole numbers: room is kept before it loads. */
export function assertDescribedAndSized(images, where) {
  for (const img of images) {
    assert.notEqual(img.alt, null, `${where}: ${img.currentSrc} has no alt`);
    assert.match(img.width ?? '', /^[1-9]\d*$/, `${where}: ${img.currentSrc} has no width`);
    assert.match(img.height ?? '', /^[1-9]\d*$/, `${where}: ${img.currentSrc} has no height`);
  }
}

/** Scrolls to the bottom a screenful at a time (so lazy pictures load), then waits for every picture. */
export async function loadEveryPicture(page) {
  await page.evaluate(async () => {
    for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) {
      scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  await page.waitForFunction(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0), null, { timeout: 15_000 });
  await page.evaluate(() => scrollTo(0, 0));
}

/**
 * The page's cumulative layout shift so far: the sum of every 'layout-shift' entry not
 * caused by input, read through a buffered PerformanceObserver.
 */
export function cumulativeLayoutShift(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        let total = 0;
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
        });
        observer.observe({ type: 'layout-shift', buffered: true });
        // Buffered entries arrive with the next frames.
        requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
          for (const entry of observer.takeRecords()) if (!entry.hadRecentInput) total += entry.value;
          observer.disconnect();
          resolve(total);
        }, 50)));
      }),
  );
}
