//! A picture kept at the pages' widths, never enlarged, served by every instance with
//! immutable caching and an ETag, and shown on the shopper pages.

use actix_web::http::StatusCode;

use super::{in_attribute, jpeg, newest_variants, pictures_of, png, upload};
use crate::common::{app_and_admin, assert_redirect_to, spawn_app_on, TEAPOT};

#[actix_web::test]
async fn an_upload_is_kept_at_three_widths_and_shown_with_srcset_and_its_size() {
    let (app, admin) = app_and_admin().await;
    let before = pictures_of(&app, TEAPOT);

    let answer = upload(
        &admin,
        TEAPOT,
        "A blue teapot on a table",
        &jpeg(1600, 1200),
    )
    .await;

    assert_redirect_to(&answer, &format!("/admin/products/{TEAPOT}#pictures"));
    assert_eq!(pictures_of(&app, TEAPOT), (before.0 + 1, before.1 + 3));
    let variants = newest_variants(&app, TEAPOT);
    let widths: Vec<i32> = variants.iter().map(|(_, width)| *width).collect();
    assert_eq!(widths, [320, 640, 1280], "never wider than 1280");
    let shopper = app.browser();
    let product = shopper.get(&format!("/products/{TEAPOT}")).await;
    assert!(
        product.body.contains("A blue teapot on a table"),
        "{}",
        product.body
    );
    for (name, width) in &variants {
        let listed = in_attribute(&format!("/media/{name} {width}w"));
        assert!(product.body.contains(&listed), "{}", product.body);
    }
    assert!(
        product.body.contains("width=\"1280\" height=\"960\""),
        "{}",
        product.body
    );
}

#[actix_web::test]
async fn a_small_picture_is_never_enlarged_and_transparency_stays_png() {
    let (app, admin) = app_and_admin().await;

    upload(&admin, TEAPOT, "A small picture", &png(200, 150)).await;
    let small = newest_variants(&app, TEAPOT);
    upload(&admin, TEAPOT, "A middling picture", &jpeg(700, 500)).await;

    assert_eq!(small.len(), 1);
    let names = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM media WHERE name LIKE '%-200.png' AND image_id IN \
         (SELECT id FROM product_images WHERE product_id = {TEAPOT})"
    ));
    assert_eq!(
        names, 1,
        "the 200-pixel PNG, kept at its own width and as PNG"
    );
    let widths: Vec<i32> = newest_variants(&app, TEAPOT)
        .iter()
        .map(|(_, w)| *w)
        .collect();
    assert_eq!(widths, [320, 640], "700 wide: never enlarged to 1280");
}

#[actix_web::test]
async fn media_is_served_with_immutable_caching_an_etag_and_304_by_every_instance() {
    let (app, admin) = app_and_admin().await;
    upload(&admin, TEAPOT, "A blue teapot", &jpeg(800, 600)).await;
    let (name, _) = newest_variants(&app, TEAPOT).remove(0);
    let other = spawn_app_on(std::rc::Rc::clone(&app.database), app.settings.clone()).await;
    let shopper = other.browser();

    let first = shopper.get(&format!("/media/{name}")).await;
    let etag = first.header("etag").expect("an ETag").to_owned();
    let again = shopper
        .get_with(&format!("/media/{name}"), &[("if-none-match", &etag)])
        .await;
    let head_on_first = app.browser().get(&format!("/media/{name}")).await;
    let unknown = shopper.get("/media/0123456789abcdef-320.jpg").await;
    let odd = shopper.get("/media/..%2F..%2Fetc%2Fpasswd").await;

    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.header("content-type"), Some("image/jpeg"));
    assert_eq!(
        first.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.raw.is_empty());
    assert_eq!(
        head_on_first.raw, first.raw,
        "the same bytes from either instance"
    );
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(odd.status, StatusCode::NOT_FOUND);
    let decoded = image::load_from_memory(&first.raw).expect("a picture");
    assert_eq!((decoded.width(), decoded.height()), (320, 240));
}

#[actix_web::test]
async fn the_catalogue_shows_the_main_picture_and_loads_only_the_first_row_at_once() {
    let (app, admin) = app_and_admin().await;
    let shopper = app.browser();

    let page = shopper.get("/").await;
    upload(&admin, TEAPOT, "A second teapot picture", &jpeg(900, 600)).await;
    let product = app.scalar(&format!(
        "SELECT MAX(id) AS n FROM product_images WHERE product_id = {TEAPOT}"
    ));
    let made_first = admin
        .submit(
            &format!("/admin/products/{TEAPOT}/images/{product}/first"),
            &[],
        )
        .await;
    let after = shopper.get("/").await;

    let media = in_attribute("/media/");
    let images = page.body.matches(&format!("<img src=\"{media}")).count();
    assert_eq!(
        images, 14,
        "every demo product has its picture: {}",
        page.body
    );
    assert!(page.body.contains(&format!("srcset=\"{media}")));
    assert!(page.body.contains("sizes=\""));
    assert_eq!(
        page.body.matches("loading=\"lazy\"").count(),
        10,
        "all but the first row"
    );
    assert_eq!(page.body.matches("class=\"product-link\"").count(), 14);
    assert_eq!(
        page.body.matches("href=\"/products/2\"").count(),
        1,
        "one link a card"
    );
    assert_redirect_to(&made_first, &format!("/admin/products/{TEAPOT}#pictures"));
    assert!(
        after.body.contains("A second teapot picture"),
        "{}",
        after.body
    );
}

#[actix_web::test]
async fn removing_a_picture_removes_its_bytes_and_a_product_with_none_shows_the_placeholder() {
    let (app, admin) = app_and_admin().await;
    let ids: Vec<i64> = (0..1)
        .map(|_| {
            app.scalar(&format!(
                "SELECT MIN(id) AS n FROM product_images WHERE product_id = {TEAPOT}"
            ))
        })
        .collect();

    let (name, _) = newest_variants(&app, TEAPOT).remove(0);
    let served = app.browser().get(&format!("/media/{name}")).await;
    let removed = admin
        .submit(
            &format!("/admin/products/{TEAPOT}/images/{}/delete", ids[0]),
            &[],
        )
        .await;
    let after = app.browser().get(&format!("/media/{name}")).await;
    let missing = admin
        .submit(
            &format!("/admin/products/{TEAPOT}/images/{}/delete", ids[0]),
            &[],
        )
        .await;
    let page = app.browser().get(&format!("/products/{TEAPOT}")).await;

    assert_redirect_to(&removed, &format!("/admin/products/{TEAPOT}#pictures"));
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        (served.status, after.status),
        (StatusCode::OK, StatusCode::NOT_FOUND)
    );
    assert_eq!(pictures_of(&app, TEAPOT), (0, 0));
    assert!(
        page.body.contains("/static/img/products/placeholder.svg"),
        "{}",
        page.body
    );
    let placeholder = in_attribute("/static/img/products/placeholder.svg");
    let basket = app.browser();
    basket.add_to_basket(TEAPOT, 1).await;
    let lines = basket.get("/basket").await;
    assert!(lines.body.contains(&placeholder), "{}", lines.body);
}
