-- Adds to a basket line in one statement: inserted only when the product exists, is on
-- sale and has the stock; merged with the line already there only within the stock and
-- the most a line may hold. The line's seen price becomes the price now (the page the
-- shopper added from showed it). Returns a row when the line changed.
--   $1  the basket's id
--   $2  how many to add
--   $3  the product's id
--   $4  the most a line may hold (`Quantity::MAX`)
INSERT INTO basket_items (basket_id, product_id, quantity, seen_price_pence)
SELECT $1, p.id, $2, p.price_pence FROM products p WHERE p.id = $3 AND p.active AND p.stock >= $2
ON CONFLICT (basket_id, product_id) DO UPDATE
SET quantity = basket_items.quantity + excluded.quantity,
    seen_price_pence = excluded.seen_price_pence
WHERE basket_items.quantity + excluded.quantity <= $4
  AND basket_items.quantity + excluded.quantity <=
      (SELECT stock FROM products WHERE id = excluded.product_id AND active)
RETURNING 1 AS returned
