-- Payments: every order gains a payment state beside its status. Orders from before
-- payments, and orders placed with TROLLEY_PAYMENTS=none, need none.
ALTER TABLE orders ADD COLUMN payment_state TEXT NOT NULL DEFAULT 'not_required'
    CHECK (payment_state IN ('not_required', 'awaiting', 'paid', 'expired', 'refunded'));
-- When an order awaiting payment is cancelled by the shop; NULL once it is not awaiting.
ALTER TABLE orders ADD COLUMN payment_due_at TIMESTAMP;
-- The payment's reference: a bank transfer's, as the admin recorded it.
ALTER TABLE orders ADD COLUMN payment_reference TEXT;
-- The deadline job's search: orders awaiting payment, by deadline.
CREATE INDEX orders_payment_due_idx ON orders (payment_state, payment_due_at);

-- Each change of an order's payment state, with who made it: its history on the admin's
-- order page.
CREATE TABLE payment_events (
    id BIGSERIAL PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reference TEXT,
    -- The admin's username, or the shop itself (the deadline).
    actor TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX payment_events_order_id_idx ON payment_events (order_id);
-- An order is paid once: a second record of its payment cannot be written.
CREATE UNIQUE INDEX payment_events_paid_once_idx ON payment_events (order_id)
    WHERE to_state = 'paid';
