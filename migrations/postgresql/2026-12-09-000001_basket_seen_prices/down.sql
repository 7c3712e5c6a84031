ALTER TABLE basket_items DROP COLUMN seen_price_pence;
