//! The catalogue a page at a time, its search, and products taken off sale.

use std::time::Duration;

use actix_web::http::StatusCode;

use crate::common::{assert_redirect_to, spawn_app, spawn_app_with, TestApp, MUG, TEAPOT};

/// An app whose catalogue copy is never reused, so that changes made in SQL show at once.
async fn spawn_uncached_app() -> TestApp {
    spawn_app_with(|settings| settings.catalogue_max_age = Duration::ZERO).await
}

fn add_forms(body: &str) -> usize {
    body.matches("action=\"/basket/items\"").count()
}

#[actix_web::test]
async fn the_catalogue_shows_24_products_a_page_with_previous_and_next_links() {
    let app = spawn_uncached_app().await;
    app.insert_products(40); // 54 in all: pages of 24, 24 and 6

    let browser = app.browser();
    let first = browser.get("/").await;
    let second = browser.get("/?page=2").await;
    let third = browser.get("/?page=3").await;

    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(add_forms(&first.body), 24);
    assert!(first.body.contains("page=2"), "a next link");
    assert!(!first.body.contains("rel=\"prev\""));
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(add_forms(&second.body), 24);
    assert!(second.body.contains("page=1") && second.body.contains("page=3"));
    assert_eq!(add_forms(&third.body), 6);
    assert!(third.body.contains("Extra item 040"));
    assert!(!third.body.contains("rel=\"next\""));
}

#[actix_web::test]
async fn a_page_past_the_last_is_404_and_a_bad_page_number_is_400() {
    let app = spawn_app().await;
    let browser = app.browser();

    assert_eq!(browser.get("/?page=1").await.status, StatusCode::OK);
    assert_eq!(browser.get("/?page=2").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        browser.get("/?page=99999999999999999999").await.status,
        StatusCode::NOT_FOUND
    );
    for bad in ["0", "abc", "-1", "1.5", "%FF"] {
        let page = browser.get(&format!("/?page={bad}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "page={bad}");
    }
}

#[actix_web::test]
async fn search_finds_names_containing_the_words_in_any_case() {
    let app = spawn_app().await;
    let browser = app.browser();

    let page = browser.get("/?q=MUG").await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Enamel Camping Mug"));
    assert!(!page.body.contains("Stoneware Teapot"));
    assert_eq!(add_forms(&page.body), 1);
    let teapot = browser.get("/?q=ware%20tea").await;
    assert!(teapot.body.contains("Stoneware Teapot"));
}

#[actix_web::test]
async fn a_search_with_no_match_is_a_friendly_page_and_wildcards_match_themselves() {
    let app = spawn_app().await;
    let browser = app.browser();

    for query in ["zzzz", "%25", "_", "%3Cscript%3E"] {
        let page = browser.get(&format!("/?q={query}")).await;
        assert_eq!(page.status, StatusCode::OK, "q={query}");
        assert!(page.body.contains("No products match"), "q={query}");
        assert_eq!(add_forms(&page.body), 0, "q={query}");
        assert!(!page.body.contains("<script>"), "escaped");
    }
}

#[actix_web::test]
async fn a_product_taken_off_sale_is_not_listed_shown_found_or_added() {
    let app = spawn_uncached_app().await;
    app.set_active(MUG, false);
    let browser = app.browser();

    let catalogue = browser.get("/").await;
    let search = browser.get("/?q=mug").await;
    let product = browser.get(&format!("/products/{MUG}")).await;
    let add = browser.add_to_basket(MUG, 1).await;

    assert!(!catalogue.body.contains("Enamel Camping Mug"));
    assert_eq!(add_forms(&catalogue.body), 13);
    assert!(search.body.contains("No products match"));
    assert_eq!(product.status, StatusCode::NOT_FOUND);
    assert_eq!(add.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("basket_items"), 0);
}

#[actix_web::test]
async fn a_basket_line_taken_off_sale_shows_as_unavailable_and_checkout_is_409() {
    let app = spawn_uncached_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 2).await;
    browser.add_to_basket(TEAPOT, 1).await;
    let (_, token) = browser.open_checkout().await;
    app.set_active(MUG, false);

    let basket = browser.get("/basket").await;
    let checkout = browser.place_order(&token).await;

    assert!(basket.body.contains("No longer available"));
    assert!(
        !basket.body.contains(&format!("id=\"qty-{MUG}\"")),
        "no quantity field for it"
    );
    assert!(basket
        .body
        .contains(&format!("action=\"/basket/items/{MUG}\"")));
    assert_eq!(checkout.status, StatusCode::CONFLICT);
    assert!(checkout.body.contains("Enamel Camping Mug"));
    assert_eq!(app.count("orders"), 0);
    assert_eq!(app.stock_of(MUG), 40);
    assert_eq!(app.stock_of(TEAPOT), 12);
    let more = browser
        .submit(&format!("/basket/items/{MUG}"), &[("quantity", "3")])
        .await;
    assert_eq!(more.status, StatusCode::NOT_FOUND, "it cannot be increased");

    let removed = browser
        .submit(&format!("/basket/items/{MUG}"), &[("quantity", "0")])
        .await;
    assert_redirect_to(&removed, "/basket");
    let (_, token) = browser.open_checkout().await;
    assert_eq!(
        browser.place_order(&token).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.stock_of(TEAPOT), 11);
}

#[actix_web::test]
async fn a_search_of_several_pages_links_each_page_keeping_the_query() {
    let app = spawn_uncached_app().await;
    app.insert_products(30); // "Extra item 001" to "Extra item 030": pages of 24 and 6

    let browser = app.browser();
    let first = browser.get("/?q=extra%20item").await;

    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(add_forms(&first.body), 24);
    let next = "/?q=extra%20item&amp;page=2";
    assert!(first.body.contains(next), "a next link keeping q");

    let second = browser.get("/?q=extra%20item&page=2").await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    assert_eq!(add_forms(&second.body), 6);
    assert!(second.body.contains("/?q=extra%20item&amp;page=1"));
    assert!(!second.body.contains("rel=\"next\""));
}
