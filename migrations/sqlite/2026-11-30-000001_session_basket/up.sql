-- The session's basket, copied from its state by the session store on every write, so
-- that loading a session reads its basket's lines in the same statement (one trip to the
-- database for a page, not two). No foreign key: a checked-out basket is deleted before
-- the session that held it. Sessions written before this column get it from their state.
ALTER TABLE sessions ADD COLUMN basket_id TEXT;
UPDATE sessions SET basket_id = json_extract(json_extract(state, '$.basket_id'), '$')
    WHERE json_valid(state) AND json_extract(state, '$.basket_id') IS NOT NULL;
