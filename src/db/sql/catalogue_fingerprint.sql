-- What changes whenever the products do: their count, the sum of their revisions (a
-- trigger raises a product's revision on every update) and the greatest id. Any committed
-- insert, update or delete alters it. One statement, reading every product's row.
SELECT CAST(COUNT(*) AS BIGINT) AS products,
       CAST(COALESCE(SUM(revision), 0) AS BIGINT) AS revisions,
       CAST(COALESCE(MAX(id), 0) AS BIGINT) AS last_id
FROM products
