//! Product pictures (SPEC "Pictures and categories"): uploads decoded within limits and
//! re-encoded at the pages' widths without their metadata, every refusal, `/media/…` with
//! its caching from any instance, and the shopper pages' `<img>`s.

mod refusals;
mod serving;

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

use crate::common::{Browser, Page, TestApp};

/// A path as a page writes it in an attribute (Tera escapes `/` there as `&#x2F;`).
pub fn in_attribute(path: &str) -> String {
    path.replace('/', "&#x2F;")
}

/// The low byte of a coordinate, as a colour channel.
fn low(value: u32) -> u8 {
    value.to_le_bytes()[0]
}

/// A JPEG of this size: a gradient, so that it compresses like a photograph a little.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| Rgb([low(x), low(y), low(x + y)]));
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Jpeg)
        .expect("encode a JPEG");
    bytes
}

/// A PNG with transparency.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbaImage::from_fn(width, height, |x, _| Rgba([200, 80, 40, low(x)]));
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .expect("encode a PNG");
    bytes
}

/// A `multipart/form-data` body: text fields, then the file in field `image`.
pub fn multipart(fields: &[(&str, &str)], file: Option<&[u8]>) -> (String, Vec<u8>) {
    let boundary = "----trolley-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some(file) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; \
                 filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// An admin's upload of `file` with `alt` to product `id`, as the product page's form
/// sends it (with the page's CSRF token).
pub async fn upload(admin: &Browser, id: i64, alt: &str, file: &[u8]) -> Page {
    let page = admin.get(&format!("/admin/products/{id}")).await;
    let token = page.hidden("csrf_token").expect("a token");
    let (content_type, body) = multipart(&[("csrf_token", &token), ("alt", alt)], Some(file));
    admin
        .post_typed(&format!("/admin/products/{id}/images"), &content_type, body)
        .await
}

/// How many pictures (and stored variants) the product has.
pub fn pictures_of(app: &TestApp, id: i64) -> (i64, i64) {
    let images = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM product_images WHERE product_id = {id}"
    ));
    let variants = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM media m JOIN product_images i ON i.id = m.image_id \
         WHERE i.product_id = {id}"
    ));
    (images, variants)
}

/// The stored variants' names and widths of the product's newest picture, narrowest first.
pub fn newest_variants(app: &TestApp, id: i64) -> Vec<(String, i32)> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        width: i32,
    }
    use diesel::RunQueryDsl;
    let mut conn = app.db.conn().expect("a connection");
    let rows: Vec<Row> = diesel::sql_query(format!(
        "SELECT name, width FROM media WHERE image_id = \
         (SELECT MAX(id) FROM product_images WHERE product_id = {id}) ORDER BY width"
    ))
    .load(&mut *conn)
    .expect("read the variants");
    rows.into_iter().map(|row| (row.name, row.width)).collect()
}
