-- The price a basket line's product had when the shopper last saw it (added it, changed
-- it, or was shown the line's price change): a line whose product costs something else
-- now says "Price changed from …" until the shopper has seen it. NULL for lines from
-- before prices were remembered: no notice.
ALTER TABLE basket_items ADD COLUMN seen_price_pence BIGINT;
