DROP TABLE payment_events;
DROP INDEX orders_payment_due_idx;
ALTER TABLE orders DROP COLUMN payment_reference;
ALTER TABLE orders DROP COLUMN payment_due_at;
ALTER TABLE orders DROP COLUMN payment_state;
