-- What a saved edit did, besides its words: the product's version it made and the edit
-- form's fields it changed (their names, space-separated). A form saved on an older
-- version is refused; these say which fields changed under it, who changed them, when.
-- Changes that leave the version (stock, pictures) and rows written before have none.
ALTER TABLE product_history ADD COLUMN version BIGINT;
ALTER TABLE product_history ADD COLUMN fields TEXT NOT NULL DEFAULT '';
