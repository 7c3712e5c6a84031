-- Takes the stock of the lines in `wanted (id, quantity)`, which the statement this ends
-- defines: the products' rows locked in id order (so that concurrent checkouts of the
-- same products never deadlock), each taken only while the stock suffices and the product
-- is on sale. Returns the ids taken: a line missing from them was short.
locked AS MATERIALIZED (
    SELECT products.id FROM products
    WHERE products.id IN (SELECT id FROM wanted)
    ORDER BY products.id
    FOR NO KEY UPDATE)
UPDATE products SET stock = products.stock - wanted.quantity
FROM wanted, locked
WHERE products.id = wanted.id AND locked.id = wanted.id
  AND products.stock >= wanted.quantity AND products.active
RETURNING products.id
