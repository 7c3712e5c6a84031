CREATE TABLE admins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE, -- lower case
    password_hash TEXT NOT NULL,   -- Argon2id, PHC string
    created_at TIMESTAMP NOT NULL
);

-- Failed logins, counted here rather than in memory so that every instance sees the same
-- count.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    failed_at BIGINT NOT NULL -- Unix seconds
);
CREATE INDEX login_failures_username_idx ON login_failures (username, failed_at);

-- Who changed an order's status, and when.
CREATE TABLE order_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    admin_username TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX order_events_order_id_idx ON order_events (order_id);
