// Categories through the admin's pages: /admin/categories (the list and its "New category"
// form), and the "Categories" checkboxes of a product's edit form.
import assert from 'node:assert/strict';
import { submit } from './accounts.mjs';

/** The form under "New category" on /admin/categories. */
function newCategoryForm(page) {
  return page.getByRole('region', { name: 'New category' });
}

/**
 * On /admin/categories: types a name (and a description) under "New category" and
 * presses "Make category"; returns { status, id } (the id when it was made: 303 to
 * /admin/categories/{id}).
 */
export async function makeCategory(page, url, name, description = '') {
  if (page.url() !== `${url}/admin/categories`) await page.goto(`${url}/admin/categories`);
  const form = newCategoryForm(page);
  await form.getByLabel('Name').fill(name);
  await form.getByLabel(/^Description/).fill(description);
  const status = await submit(page, url, '/admin/categories', form.getByRole('button', { name: 'Make category' }));
  if (status !== 303) return { status };
  const m = /\/admin\/categories\/(\d+)$/.exec(page.url());
  assert.ok(m, `made a category, now on ${page.url()}`);
  await page.locator('main > .flash', { hasText: 'The category is made.' }).waitFor();
  await page.goto(`${url}/admin/categories`);
  return { status, id: Number(m[1]) };
}

/** On the product's edit form: ticks exactly the categories named, and saves. */
export async function putInCategories(page, url, productId, names) {
  await page.goto(`${url}/admin/products/${productId}`);
  const boxes = page.getByRole('group', { name: 'Categories' }).getByRole('checkbox');
  for (const box of await boxes.all()) {
    const label = (await box.evaluate((input) => input.labels[0].textContent)).trim();
    await box.setChecked(names.includes(label));
  }
  assert.equal(await submit(page, url, `/admin/products/${productId}`, page.getByRole('button', { name: 'Save changes' })), 303);
  await page.locator('main > .flash', { hasText: 'Saved.' }).waitFor();
  assert.deepEqual(await tickedCategories(page), [...names].sort());
}

/** The names of the categories ticked on the product's edit form, sorted. */
export async function tickedCategories(page) {
  const ticked = await page
    .getByRole('group', { name: 'Categories' })
    .locator('input:checked')
    .evaluateAll((inputs) => inputs.map((input) => input.labels[0].textContent.trim()));
  return ticked.sort();
}

/**
 * Many products at once, in a category: each posted to /admin/products with the CSRF
 * token of the admin's form, as the "New product" form sends it (the browser's own
 * cookies, without drawing each form). Returns the new ids.
 */
export async function createProducts(page, url, names, categoryId) {
  await page.goto(`${url}/admin/products/new`);
  const token = await page.locator('input[name=csrf_token]').first().inputValue();
  const ids = [];
  for (const name of names) {
    const response = await page.request.post(`${url}/admin/products`, {
      form: { csrf_token: token, name, description: `${name}, made for the tests.`, price: '4.50', stock: '10', active: 'on', category_ids: String(categoryId) },
      maxRedirects: 0,
    });
    assert.equal(response.status(), 303, `creating ${name}: ${response.status()}`);
    ids.push(Number(/\/admin\/products\/(\d+)$/.exec(response.headers().location)[1]));
  }
  return ids;
}

/** The product ids of the cards on a catalogue or category page, in order. */
export function cardIds(page) {
  return page.locator('.product-card').evaluateAll((cards) => cards.map((card) => Number(card.id.replace('product-', ''))));
}
