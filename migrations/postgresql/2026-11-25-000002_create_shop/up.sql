CREATE TABLE products (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    price_pence BIGINT NOT NULL CHECK (price_pence >= 0),
    stock INTEGER NOT NULL CHECK (stock >= 0),
    image TEXT NOT NULL
);

-- A basket belongs to one session (its id is in the session state) and lives as long.
CREATE TABLE baskets (
    id TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL -- Unix seconds, kept in step with the session
);
CREATE INDEX baskets_expires_at_idx ON baskets (expires_at);

CREATE TABLE basket_items (
    basket_id TEXT NOT NULL REFERENCES baskets (id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    PRIMARY KEY (basket_id, product_id)
);

CREATE TABLE orders (
    id BIGSERIAL PRIMARY KEY,
    -- One order per token: concurrent submits of one checkout form make one order.
    order_token TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('placed', 'shipped', 'cancelled')),
    customer_name TEXT NOT NULL,
    customer_email TEXT NOT NULL,
    customer_address TEXT NOT NULL,
    total_pence BIGINT NOT NULL CHECK (total_pence >= 0),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX orders_created_at_idx ON orders (created_at);
CREATE INDEX orders_status_created_at_idx ON orders (status, created_at);

CREATE TABLE order_lines (
    id BIGSERIAL PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products (id),
    -- Copied at checkout: the receipt shows what was charged, whatever the catalogue says later.
    product_name TEXT NOT NULL,
    unit_price_pence BIGINT NOT NULL CHECK (unit_price_pence >= 0),
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99)
);
CREATE INDEX order_lines_order_id_idx ON order_lines (order_id);
