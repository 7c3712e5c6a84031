-- Stripe Checkout. An order's current Checkout Session, and how many it has had: the
-- Idempotency-Key of the session being made is derived from the order token and that
-- count, so a retry (after a timeout, or a crash before the session was recorded) gets
-- the same session back from Stripe, and a new one is made only once the last expired.
ALTER TABLE orders ADD COLUMN stripe_session_id TEXT;
ALTER TABLE orders ADD COLUMN payment_attempt INTEGER NOT NULL DEFAULT 0;

-- Stripe's events as they arrived, once each: a duplicate, a replay or a retry of an
-- event already here changes nothing.
CREATE TABLE stripe_events (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL
);
