-- Shopper accounts. Emails are stored in lower case, so that the unique index makes them
-- unique whatever the case typed. Every account has one basket, made with it, shared by
-- all of its sessions and never expiring while the account lives.
CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL, -- Argon2id, PHC string
    basket_id TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- The account a session is signed in to, copied from its state by the session store (as
-- the admin's is), so that "end every session of this account" is one statement.
ALTER TABLE sessions ADD COLUMN account_id BIGINT;
CREATE INDEX sessions_account_id_idx ON sessions (account_id) WHERE account_id IS NOT NULL;

-- The account that placed an order, if any; deleting the account leaves its orders, detached.
ALTER TABLE orders ADD COLUMN account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL;
CREATE INDEX orders_account_id_idx ON orders (account_id, id) WHERE account_id IS NOT NULL;

-- An anonymous basket merged into an account's at sign-in: the anonymous basket is
-- deleted, and a change that was in flight for it (another tab) follows this row to the
-- account's basket instead of being lost. Kept as long as the anonymous session would have
-- lived.
CREATE TABLE basket_merges (
    from_id TEXT PRIMARY KEY,
    into_id TEXT NOT NULL,
    expires_at BIGINT NOT NULL -- Unix seconds
);
CREATE INDEX basket_merges_expires_at_idx ON basket_merges (expires_at);

-- Password reset links: only the SHA-256 of the token is kept; a token is used once.
CREATE TABLE password_resets (
    token_hash BYTEA PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL -- Unix seconds
);
CREATE INDEX password_resets_account_id_idx ON password_resets (account_id);
CREATE INDEX password_resets_expires_at_idx ON password_resets (expires_at);

-- Failed logins of admins and of shoppers are counted apart.
ALTER TABLE login_failures ADD COLUMN realm TEXT NOT NULL DEFAULT 'admin';
DROP INDEX login_failures_username_idx;
CREATE INDEX login_failures_realm_username_idx ON login_failures (realm, username, failed_at);

-- The outbox carries account emails (a password reset link) besides order emails. The
-- link itself is kept in `secret` only until the email is sent or given up.
ALTER TABLE outbox ALTER COLUMN order_id DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN secret TEXT;
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('placed', 'shipped', 'cancelled', 'reset'));
ALTER TABLE outbox ADD CONSTRAINT outbox_about_one
    CHECK ((order_id IS NULL) <> (account_id IS NULL));
