-- Every change to a product raises its revision, whoever makes it (Trolley, or SQL by
-- hand). Each instance keeps a copy of the catalogue's pages and watches for changes with
-- one statement: the count of products, the sum of their revisions and the greatest id,
-- which any committed change alters (see src/catalogue/watch.rs). SQLite's triggers cannot
-- change the row being written, so this one updates it after; triggers do not fire
-- themselves again (recursive_triggers is off).
ALTER TABLE products ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;

CREATE TRIGGER products_revision AFTER UPDATE ON products
BEGIN
    UPDATE products SET revision = OLD.revision + 1 WHERE id = NEW.id;
END;
