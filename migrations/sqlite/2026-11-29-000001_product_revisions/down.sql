DROP TRIGGER products_revision;
ALTER TABLE products DROP COLUMN revision;
