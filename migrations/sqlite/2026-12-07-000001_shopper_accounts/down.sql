CREATE TABLE outbox_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('placed', 'shipped', 'cancelled')),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error TEXT,
    next_attempt_at BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    claimed_at BIGINT,
    UNIQUE (order_id, kind)
);
INSERT INTO outbox_old (id, order_id, kind, to_address, subject, state, attempts, last_error,
                        next_attempt_at, created_at, sent_at, claimed_at)
    SELECT id, order_id, kind, to_address, subject, state, attempts, last_error,
           next_attempt_at, created_at, sent_at, claimed_at
    FROM outbox WHERE order_id IS NOT NULL;
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
CREATE INDEX outbox_due_idx ON outbox (state, next_attempt_at);
DROP INDEX login_failures_realm_username_idx;
ALTER TABLE login_failures DROP COLUMN realm;
CREATE INDEX login_failures_username_idx ON login_failures (username, failed_at);
DROP TABLE password_resets;
DROP TABLE basket_merges;
DROP INDEX orders_account_id_idx;
ALTER TABLE orders DROP COLUMN account_id;
DROP INDEX sessions_account_id_idx;
ALTER TABLE sessions DROP COLUMN account_id;
DROP TABLE accounts;
