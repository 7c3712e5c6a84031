-- The whole write of a placed order on PostgreSQL, one statement: the order, its lines
-- (from arrays, so that the text is one for any number of lines and stays prepared), its
-- email queued in the outbox, the basket and the session deleted; `take_stock.pg.sql`
-- follows, and takes the stock last. Every part runs whether or not the final UPDATE
-- reads it; the foreign keys are checked at the statement's end, when the order exists.
--   $1  the order's id (drawn when the basket was locked)
--   $2  order token        $3  status             $4  customer's name
--   $5  customer's email   $6  customer's address $7  total (pence)
--   $8  placed at
--   $9  line product ids   $10 line names         $11 line unit prices (pence)
--   $12 line quantities
--   $13 email kind         $14 email to           $15 email subject
--   $16 email state        $17 email due at (Unix ms)
--   $18 email queued at
--   $19 the basket's id    $20 the session's key hash
WITH placed AS (
    INSERT INTO orders (id, order_token, status, customer_name, customer_email,
                        customer_address, total_pence, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)),
written AS (
    INSERT INTO order_lines (order_id, product_id, product_name, unit_price_pence, quantity)
    SELECT $1, line.product_id, line.name, line.price, line.quantity
    FROM unnest($9, $10, $11, $12) AS line (product_id, name, price, quantity)),
queued AS (
    INSERT INTO outbox (order_id, kind, to_address, subject, state, attempts,
                        next_attempt_at, created_at)
    VALUES ($1, $13, $14, $15, $16, 0, $17, $18)),
emptied AS (DELETE FROM baskets WHERE id = $19),
ended AS (DELETE FROM sessions WHERE key_hash = $20),
wanted AS (SELECT * FROM unnest($9, $12) AS wanted (id, quantity)),
