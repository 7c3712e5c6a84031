-- The lines of a basket being checked out, with what the catalogue says of each product
-- now. PostgreSQL appends `FOR UPDATE OF bi, b` to lock them; SQLite's write
-- transaction holds the only lock there is.
--   $1  the basket's id
SELECT p.id AS product_id, p.name, p.slug, p.image, p.price_pence AS unit_price_pence,
       p.stock, bi.quantity, p.active, bi.seen_price_pence
FROM basket_items bi
JOIN baskets b ON b.id = bi.basket_id
JOIN products p ON p.id = bi.product_id
WHERE bi.basket_id = $1
ORDER BY p.name
