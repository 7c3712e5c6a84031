ALTER TABLE sessions DROP COLUMN basket_id;
