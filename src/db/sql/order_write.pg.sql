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
--   $10 payment state      $11 payment due at (NULL: not awaited)
--   $12 line product ids   $13 line names         $14 line unit prices (pence)
--   $15 line quantities
--   $16 email kind         $17 email to           $18 email subject
--   $19 email state        $20 email due at (Unix ms)
--   $21 email queued at
--   $22 the basket's id    $23 the basket is an account's (kept, emptied)
--   $24 the session's key hash (NULL: none ends)
WITH placed AS (
    INSERT INTO orders (id, order_token, status, customer_name, customer_email,
                        customer_address, total_pence, created_at, account_id,
                        payment_state, payment_due_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)),
written AS (
    INSERT INTO order_lines (order_id, product_id, product_name, unit_price_pence, quantity)
    SELECT $1, line.product_id, line.name, line.price, line.quantity
    FROM unnest($12, $13, $14, $15) AS line (product_id, name, price, quantity)),
queued AS (
    INSERT INTO outbox (order_id, kind, to_address, subject, state, attempts,
                        next_attempt_at, created_at)
    VALUES ($1, $16, $17, $18, $19, 0, $20, $21)),
emptied AS (DELETE FROM baskets WHERE id = $22 AND NOT $23),
cleared AS (DELETE FROM basket_items WHERE basket_id = $22 AND $23),
ended AS (DELETE FROM sessions WHERE key_hash = $24),
wanted AS (SELECT * FROM unnest($12, $15) AS wanted (id, quantity)),
