-- The whole write of a placed order on PostgreSQL, one statement: the order, its lines
-- (from arrays, so that the text is one for any number of lines and stays prepared), its
-- email queued in the outbox, the basket (or, for an account's, its lines) and the guest's
-- session deleted; `take_stock.pg.sql`
-- follows, and takes the stock last. Every part runs whether or not the final UPDATE
-- reads it; the foreign keys are checked at the statement's end, when the order exists.
--   $1  the order's id (drawn when the basket was locked)
--   $2  order token        $3  status             $4  customer's name
--   $5  customer's email   $6  customer's address $7  total (pence)
--   $8  placed at          $9  the account placing it (NULL for a guest)
--   $10 line product ids   $11 line names         $12 line unit prices (pence)
--   $13 line quantities
--   $14 email kind         $15 email to           $16 email subject
--   $17 email state        $18 email due at (Unix ms)
--   $19 email queued at
--   $20 the basket's id    $21 the basket is an account's (kept, emptied)
--   $22 the session's key hash (NULL: none ends)
WITH placed AS (
    INSERT INTO orders (id, order_token, status, customer_name, customer_email,
                        customer_address, total_pence, created_at, account_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)),
written AS (
    INSERT INTO order_lines (order_id, product_id, product_name, unit_price_pence, quantity)
    SELECT $1, line.product_id, line.name, line.price, line.quantity
    FROM unnest($10, $11, $12, $13) AS line (product_id, name, price, quantity)),
queued AS (
    INSERT INTO outbox (order_id, kind, to_address, subject, state, attempts,
                        next_attempt_at, created_at)
    VALUES ($1, $14, $15, $16, $17, 0, $18, $19)),
emptied AS (DELETE FROM baskets WHERE id = $20 AND NOT $21),
cleared AS (DELETE FROM basket_items WHERE basket_id = $20 AND $21),
ended AS (DELETE FROM sessions WHERE key_hash = $22),
wanted AS (SELECT * FROM unnest($10, $13) AS wanted (id, quantity)),
