UPDATE products SET image = 'img/products/placeholder.svg' WHERE image LIKE '/media/%';
UPDATE products SET image = substr(image, 9) WHERE image LIKE '/static/%';
DROP TABLE product_categories;
DROP TABLE categories;
ALTER TABLE products DROP COLUMN pictures;
DROP INDEX media_image_id_idx;
DROP TABLE media;
DROP INDEX product_images_product_idx;
DROP TABLE product_images;
