-- What changes whenever the catalogue does: the products' count, the sum of their
-- revisions (a trigger raises a product's revision on every update; a change to a
-- product's categories updates the product) and the greatest id; and the same of the
-- categories (a rename raises its revision). Any committed insert, update or delete
-- alters it. One statement, reading every product's and category's row.
SELECT CAST(COUNT(*) AS BIGINT) AS products,
       CAST(COALESCE(SUM(revision), 0) AS BIGINT) AS revisions,
       CAST(COALESCE(MAX(id), 0) AS BIGINT) AS last_id,
       (SELECT CAST(COUNT(*) AS BIGINT) FROM categories) AS categories,
       (SELECT CAST(COALESCE(SUM(revision), 0) AS BIGINT) FROM categories) AS category_revisions,
       (SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM categories) AS last_category_id
FROM products
