UPDATE products SET image = 'img/products/placeholder.svg' WHERE image LIKE '/media/%';
UPDATE products SET image = substr(image, 9) WHERE image LIKE '/static/%';
DROP TABLE product_categories;
DROP TABLE categories;
ALTER TABLE products DROP COLUMN pictures;
DROP TABLE media;
DROP TABLE product_images;
