-- How a shipped order travels, as the admin who shipped it typed them (both optional,
-- each at most 100 characters): shown on the receipt and in the shipped email.
ALTER TABLE orders ADD COLUMN carrier TEXT;
ALTER TABLE orders ADD COLUMN tracking_number TEXT;
