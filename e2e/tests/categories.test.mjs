// Categories in the browser: an admin makes them (an empty name refused with 422), puts
// products in them, renames one (its address stays) and deletes one (its products stay);
// shoppers find them above the catalogue, page and search within one, and follow a
// product's links to its categories. Every page seen goes through axe-core.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { submit } from '../lib/accounts.mjs';
import { newContext } from '../lib/browser.mjs';
import { cardIds, createProducts, makeCategory, putInCategories } from '../lib/categories.mjs';
import { TEST_TIMEOUT, withShop } from '../lib/harness.mjs';
import { adminLogin } from '../lib/shop.mjs';

const MUG = 1;
const TEAPOT = 2;
const TOWEL = 3;
const CAN = 6;

/** The category links above the catalogue: [name, href, current?]. */
function categoryLinks(page) {
  return page
    .getByRole('navigation', { name: 'Categories' })
    .getByRole('link')
    .evaluateAll((links) => links.map((a) => [a.textContent.trim(), a.getAttribute('href'), a.getAttribute('aria-current') === 'page']));
}

/** The "In …" links of a product page: [name, href]. */
function productCategoryLinks(page) {
  return page
    .locator('.product-detail-body p', { hasText: /^In / })
    .getByRole('link')
    .evaluateAll((links) => links.map((a) => [a.textContent.trim(), a.getAttribute('href')]));
}

/** Types `q` into the page's search box and searches; waits for the answer at `expected`. */
async function search(page, q, expected) {
  await page.getByLabel('Search products').fill(q);
  await Promise.all([page.waitForURL(expected), page.getByRole('button', { name: 'Search' }).click()]);
}

test(
  'an admin makes two categories and puts products in them; a category page lists only its products, pages and searches within itself, and the product page links it; a rename keeps the address and a delete keeps the products',
  { timeout: TEST_TIMEOUT },
  withShop(async ({ url, browser }) => {
    const admin = await (await newContext(browser)).newPage();
    await adminLogin(admin, url);
    await Promise.all([admin.waitForURL(`${url}/admin/categories`), admin.getByRole('link', { name: 'Categories' }).click()]);
    await admin.getByText(/^No categories yet\./).waitFor();

    // An empty name: 422, the summary linking the field.
    const empty = await makeCategory(admin, url, '   ');
    assert.equal(empty.status, 422);
    assert.match(await admin.title(), /^Error: Categories/);
    await admin.locator('.error-summary').getByRole('link', { name: /name of 1 to 60 characters/ }).waitFor();
    assert.ok(await admin.locator('.error-summary').evaluate((el) => el === document.activeElement), 'the summary has focus');
    assert.equal(await admin.getByRole('region', { name: 'New category' }).getByLabel('Name').getAttribute('aria-invalid'), 'true');

    const kitchen = await makeCategory(admin, url, 'Kitchen', 'Pots, pans and everything for the table.');
    const garden = await makeCategory(admin, url, 'Garden', 'For the garden and the shed.');
    assert.equal(kitchen.status, 303);
    assert.equal(garden.status, 303);
    // A category with nothing in it yet says so (and not that the shop is empty).
    const early = await (await newContext(browser)).newPage();
    assert.equal((await early.goto(`${url}/categories/garden`)).status(), 200);
    await early.getByText('Nothing is for sale here yet.').waitFor();
    await early.context().close();
    assert.deepEqual(
      await admin.locator('main table tbody tr').evaluateAll((rows) => rows.map((row) => row.innerText.replace(/\s+/g, ' ').trim())),
      ['Garden /categories/garden', 'Kitchen /categories/kitchen'],
    );
    await putInCategories(admin, url, TEAPOT, ['Garden', 'Kitchen']);
    await putInCategories(admin, url, MUG, ['Kitchen']);
    await putInCategories(admin, url, CAN, ['Garden']);
    // 25 spoons in the kitchen too, so that its page has a second page.
    const spoons = await createProducts(
      admin,
      url,
      Array.from({ length: 25 }, (_, i) => `Beech Spoon ${String(i + 1).padStart(2, '0')}`),
      kitchen.id,
    );

    // The catalogue lists the categories; "Everything" is where the shopper is.
    const shopper = await (await newContext(browser)).newPage();
    await shopper.goto(`${url}/`);
    assert.deepEqual(await categoryLinks(shopper), [
      ['Everything', '/', true],
      ['Garden', '/categories/garden', false],
      ['Kitchen', '/categories/kitchen', false],
    ]);
    await Promise.all([
      shopper.waitForURL(`${url}/categories/kitchen`),
      shopper.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Kitchen' }).click(),
    ]);
    await shopper.getByRole('heading', { level: 1, name: 'Kitchen' }).waitFor();
    await shopper.getByText('Pots, pans and everything for the table.').waitFor();
    assert.deepEqual((await categoryLinks(shopper)).find(([name]) => name === 'Kitchen'), ['Kitchen', '/categories/kitchen', true]);

    // Only its 27 products, over two pages; the next-page link keeps the category's path.
    const firstPage = await cardIds(shopper);
    assert.equal(firstPage.length, 24);
    const next = shopper.getByRole('navigation', { name: 'Catalogue pages' }).getByRole('link', { name: 'Next page' });
    assert.equal(await next.getAttribute('href'), '/categories/kitchen?page=2');
    await Promise.all([shopper.waitForURL(`${url}/categories/kitchen?page=2`), next.click()]);
    const secondPage = await cardIds(shopper);
    assert.equal(secondPage.length, 3);
    assert.deepEqual([...firstPage, ...secondPage].sort((a, b) => a - b), [MUG, TEAPOT, ...spoons].sort((a, b) => a - b));
    assert.equal(
      await shopper.getByRole('navigation', { name: 'Catalogue pages' }).getByRole('link', { name: 'Previous page' }).getAttribute('href'),
      '/categories/kitchen?page=1',
    );

    // Searching within it: only its own products match.
    await search(shopper, 'teapot', `${url}/categories/kitchen?q=teapot`);
    assert.deepEqual(await cardIds(shopper), [TEAPOT]);
    await search(shopper, 'watering', `${url}/categories/kitchen?q=watering`);
    assert.deepEqual(await cardIds(shopper), []);
    await shopper.getByText(/No products match “watering”/).waitFor();
    // A search over two pages: the next page keeps the path and the words.
    await search(shopper, 'spoon', `${url}/categories/kitchen?q=spoon`);
    assert.equal((await cardIds(shopper)).length, 24);
    await Promise.all([
      shopper.waitForURL(`${url}/categories/kitchen?q=spoon&page=2`),
      shopper.getByRole('navigation', { name: 'Catalogue pages' }).getByRole('link', { name: 'Next page' }).click(),
    ]);
    assert.equal((await cardIds(shopper)).length, 1);
    assert.equal(await shopper.getByLabel('Search products').inputValue(), 'spoon');
    await Promise.all([
      shopper.waitForURL(`${url}/categories/kitchen`),
      shopper.getByRole('link', { name: 'Show everything in Kitchen' }).click(),
    ]);

    // The product page links its categories.
    await shopper.goto(`${url}/products/${TEAPOT}`);
    assert.deepEqual(await productCategoryLinks(shopper), [
      ['Garden', '/categories/garden'],
      ['Kitchen', '/categories/kitchen'],
    ]);
    await Promise.all([shopper.waitForURL(`${url}/categories/garden`), shopper.getByRole('link', { name: 'Garden', exact: true }).last().click()]);
    assert.deepEqual((await cardIds(shopper)).sort((a, b) => a - b), [TEAPOT, CAN]);
    await shopper.goto(`${url}/products/${TOWEL}`);
    assert.deepEqual(await productCategoryLinks(shopper), [], 'a product in no category links none');

    // Renaming keeps the address (an empty name is refused there too: 422).
    await admin.goto(`${url}/admin/categories/${kitchen.id}`);
    const rename = async (name) => {
      await admin.getByLabel('Name').fill(name);
      return submit(admin, url, `/admin/categories/${kitchen.id}`, admin.getByRole('button', { name: 'Save changes' }));
    };
    assert.equal(await rename(''), 422);
    assert.match(await admin.title(), /^Error: /);
    assert.ok(await admin.locator('.error-summary').evaluate((el) => el === document.activeElement), 'the summary has focus');
    assert.equal(await admin.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    assert.equal(await rename('Kitchen & Dining'), 303);
    assert.equal(admin.url(), `${url}/admin/categories/${kitchen.id}`);
    await admin.locator('main > .flash', { hasText: 'Saved.' }).waitFor();
    await admin.getByRole('heading', { level: 1, name: 'Kitchen & Dining' }).waitFor();
    await shopper.goto(`${url}/categories/kitchen`);
    await shopper.getByRole('heading', { level: 1, name: 'Kitchen & Dining' }).waitFor();
    await shopper.goto(`${url}/products/${TEAPOT}`);
    assert.deepEqual(await productCategoryLinks(shopper), [
      ['Garden', '/categories/garden'],
      ['Kitchen & Dining', '/categories/kitchen'],
    ]);

    // Deleting a category keeps its products on sale.
    await admin.goto(`${url}/admin/categories/${garden.id}`);
    assert.equal(await submit(admin, url, `/admin/categories/${garden.id}/delete`, admin.getByRole('button', { name: 'Delete “Garden”' })), 303);
    assert.equal(admin.url(), `${url}/admin/categories`);
    await admin.locator('main > .flash', { hasText: 'its products stay on sale' }).waitFor();
    assert.equal(await admin.getByRole('link', { name: 'Garden' }).count(), 0);
    const gone = await shopper.goto(`${url}/categories/garden`);
    assert.equal(gone.status(), 404);
    const can = await shopper.goto(`${url}/products/${CAN}`);
    assert.equal(can.status(), 200);
    await shopper.getByRole('heading', { level: 1, name: 'Copper Watering Can' }).waitFor();
    assert.deepEqual(await productCategoryLinks(shopper), []);
    await shopper.goto(`${url}/products/${TEAPOT}`);
    assert.deepEqual(await productCategoryLinks(shopper), [['Kitchen & Dining', '/categories/kitchen']]);
    await shopper.goto(`${url}/`);
    assert.deepEqual(await categoryLinks(shopper), [
      ['Everything', '/', true],
      ['Kitchen & Dining', '/categories/kitchen', false],
    ]);
    assert.ok((await cardIds(shopper)).includes(CAN), 'the watering can is still in the catalogue');
  }),
);
