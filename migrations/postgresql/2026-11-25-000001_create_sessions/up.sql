-- Server-side session state. The cookie carries the key; only its SHA-256 is stored.
CREATE TABLE sessions (
    key_hash BYTEA PRIMARY KEY,
    state TEXT NOT NULL,
    expires_at BIGINT NOT NULL -- Unix seconds
);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- Secrets generated once and shared by every instance (the cookie key when
-- TROLLEY_SECRET_KEY is not set).
CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
