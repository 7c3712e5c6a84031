-- Order emails, written in the same transaction as the event they tell of (an order
-- placed, shipped or cancelled) and delivered by a background sender on every instance.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    -- The event: the status the order took. One email per event.
    kind TEXT NOT NULL CHECK (kind IN ('placed', 'shipped', 'cancelled')),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error TEXT,
    -- Unix milliseconds: a queued email is due from then. A sender that claims it moves it
    -- on by a lease, so that no other sender takes it while the first is sending.
    next_attempt_at BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    UNIQUE (order_id, kind)
);
CREATE INDEX outbox_due_idx ON outbox (state, next_attempt_at);
