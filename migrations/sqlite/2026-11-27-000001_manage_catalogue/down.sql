DROP INDEX sessions_admin_id_idx;
ALTER TABLE sessions DROP COLUMN user_agent;
ALTER TABLE sessions DROP COLUMN last_seen_at;
ALTER TABLE sessions DROP COLUMN created_at;
ALTER TABLE sessions DROP COLUMN admin_id;
DROP TABLE product_history;
DROP INDEX products_active_id_idx;
ALTER TABLE products DROP COLUMN version;
ALTER TABLE products DROP COLUMN active;
