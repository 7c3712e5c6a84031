-- Every change to a product raises its revision, whoever makes it (Trolley, or SQL by
-- hand). Each instance keeps a copy of the catalogue's pages and watches for changes with
-- one statement: the count of products, the sum of their revisions and the greatest id,
-- which any committed change alters (see src/catalogue/watch.rs).
ALTER TABLE products ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION products_next_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.revision := OLD.revision + 1;
    RETURN NEW;
END
$$;

CREATE TRIGGER products_revision BEFORE UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION products_next_revision();
