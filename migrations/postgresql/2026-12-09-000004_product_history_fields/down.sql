ALTER TABLE product_history DROP COLUMN fields;
ALTER TABLE product_history DROP COLUMN version;
