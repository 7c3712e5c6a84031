-- Sets a basket line to a quantity in one statement, within the product's stock, and
-- only while the product is on sale. The line's seen price becomes the price now (the
-- basket showed it). Returns a row when the line changed.
--   $1  the basket's id
--   $2  the quantity
--   $3  the product's id
--   $4  the most a line may hold (`Quantity::MAX`)
INSERT INTO basket_items (basket_id, product_id, quantity, seen_price_pence)
SELECT $1, p.id, $2, p.price_pence FROM products p WHERE p.id = $3 AND p.active AND p.stock >= $2
ON CONFLICT (basket_id, product_id) DO UPDATE
SET quantity = excluded.quantity,
    seen_price_pence = excluded.seen_price_pence
WHERE excluded.quantity <= $4
  AND excluded.quantity <= (SELECT stock FROM products WHERE id = excluded.product_id AND active)
RETURNING 1 AS returned
