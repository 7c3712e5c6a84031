-- Adds a line of a guest's basket to an account's at sign-in, in one statement: the sum
-- of the two lines, capped (at 99 and at the product's stock, as the merge read it).
--   $1  the account basket's id
--   $2  the product's id
--   $3  the guest line's quantity, already within the cap
--   $4  the price the guest last saw (kept when the account's line has none)
--   $5  the cap
INSERT INTO basket_items (basket_id, product_id, quantity, seen_price_pence)
VALUES ($1, $2, $3, $4)
ON CONFLICT (basket_id, product_id) DO UPDATE
SET quantity = CASE
    WHEN basket_items.quantity + excluded.quantity > $5 THEN $5
    ELSE basket_items.quantity + excluded.quantity
END,
    seen_price_pence = COALESCE(basket_items.seen_price_pence, excluded.seen_price_pence)
