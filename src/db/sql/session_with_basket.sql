-- A live session with the lines of the basket its `basket_id` column names, in one
-- statement: one row per line (ordered as `basket::lines` orders them), or one row with
-- no line when the basket is empty or the session names none.
--   $1  the session key's SHA-256
--   $2  now (Unix seconds): an expired row is as good as absent
SELECT s.state, s.basket_id, p.id AS product_id, p.name, p.slug, p.image,
       p.price_pence AS unit_price_pence, p.stock, i.quantity, p.active,
       i.seen_price_pence
FROM sessions s
LEFT JOIN basket_items i ON i.basket_id = s.basket_id
LEFT JOIN products p ON p.id = i.product_id
WHERE s.key_hash = $1 AND s.expires_at > $2
ORDER BY p.name
