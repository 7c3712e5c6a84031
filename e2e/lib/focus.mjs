// Keyboard steps: what has focus, whether a focus ring is drawn round it, and Tab until
// something wanted has focus.
import assert from 'node:assert/strict';

/**
 * What has focus, and whether a focus ring is drawn for it: an outline at least 2 px wide
 * on the element itself, or on its ::after box (a catalogue card's one link draws its
 * ring round the whole card that way).
 */
export function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const ringed = (style) => style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      href: el.getAttribute('href'),
      text: (el.innerText || el.value || '').trim().replace(/\s+/g, ' '),
      ring: ringed(getComputedStyle(el)) || ringed(getComputedStyle(el, '::after')),
    };
  });
}

/**
 * Press Tab (or `key`, such as Shift+Tab) until the focused element satisfies want(focus);
 * every stop must show a focus ring.
 */
export async function tabTo(page, want, what, maxTabs = 80, key = 'Tab') {
  for (let i = 0; i < maxTabs; i += 1) {
    await page.keyboard.press(key);
    const f = await focused(page);
    if (f.tag !== 'body') assert.ok(f.ring, `no visible focus ring on ${JSON.stringify(f)}`);
    if (want(f)) return f;
  }
  throw new Error(`Tab never reached ${what}`);
}

