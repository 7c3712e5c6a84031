-- Products can be taken off sale; `version` goes up with every saved edit, so that a
-- stale edit form is refused instead of overwriting a newer one.
ALTER TABLE products ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE products ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
CREATE INDEX products_active_id_idx ON products (active, id);

-- Who changed a product, what, and when.
CREATE TABLE product_history (
    id BIGSERIAL PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    admin_username TEXT NOT NULL,
    change TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX product_history_product_id_idx ON product_history (product_id, id);

-- What the session store knows of a session besides its state: the admin it belongs to
-- (none for shoppers), when its key was issued, when it was last written, the browser.
ALTER TABLE sessions ADD COLUMN admin_id BIGINT;
ALTER TABLE sessions ADD COLUMN created_at BIGINT;
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
CREATE INDEX sessions_admin_id_idx ON sessions (admin_id) WHERE admin_id IS NOT NULL;
