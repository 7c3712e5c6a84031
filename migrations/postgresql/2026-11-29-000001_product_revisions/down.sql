DROP TRIGGER products_revision ON products;
DROP FUNCTION products_next_revision();
ALTER TABLE products DROP COLUMN revision;
