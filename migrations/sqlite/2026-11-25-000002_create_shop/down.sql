DROP TABLE order_lines;
DROP TABLE orders;
DROP TABLE basket_items;
DROP TABLE baskets;
DROP TABLE products;
