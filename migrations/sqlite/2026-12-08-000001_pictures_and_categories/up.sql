-- Product pictures. An upload is decoded, re-encoded without its metadata at up to three
-- widths, and kept in `media`, in the database, so that every instance serves every
-- picture and a database backup holds them. A variant's name is derived from its bytes'
-- digest, so a name changes whenever the bytes do.
CREATE TABLE product_images (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    position INTEGER NOT NULL, -- 0 is the main picture
    alt TEXT NOT NULL,
    width INTEGER NOT NULL,  -- of the widest variant
    height INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX product_images_product_idx ON product_images (product_id, position);

CREATE TABLE media (
    name TEXT PRIMARY KEY,
    image_id BIGINT NOT NULL REFERENCES product_images (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes BLOB NOT NULL
);
CREATE INDEX media_image_id_idx ON media (image_id, width);

-- The product's pictures as the pages show them, the main one first (JSON: each one's
-- variants, size and alt text), kept with the product so that a page of products, or a
-- product's page, is still one statement; NULL: none.
ALTER TABLE products ADD COLUMN pictures TEXT;

-- Categories, and the products in each (any number each way).
CREATE TABLE categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    revision BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE product_categories (
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    category_id BIGINT NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    PRIMARY KEY (category_id, product_id)
);
CREATE INDEX product_categories_product_idx ON product_categories (product_id);

-- `image` becomes the address of the product's small picture, the basket's thumbnail:
-- a static file's until a picture is uploaded, then the smallest variant's.
UPDATE products SET image = '/static/' || image WHERE image NOT LIKE '/%';
