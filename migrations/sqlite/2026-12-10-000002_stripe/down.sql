DROP TABLE stripe_events;
ALTER TABLE orders DROP COLUMN payment_attempt;
ALTER TABLE orders DROP COLUMN stripe_session_id;
