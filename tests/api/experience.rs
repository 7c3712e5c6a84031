//! What shoppers are told: refusals on the page they were on, true basket counts on
//! every page, adds that return where they came from, checkout errors that can be acted on.

use actix_web::http::StatusCode;

use crate::common::{assert_redirect_to, spawn_app, Browser, MUG, TEAPOT, WATERING_CAN};

/// The header's count, as a screen reader hears it.
fn header_count(count: i64) -> String {
    let plural = if count == 1 { "" } else { "s" };
    format!("({count} item{plural} in your basket)")
}

async fn add_from(
    browser: &Browser,
    product_id: i64,
    quantity: i32,
    next: &str,
) -> crate::common::Page {
    browser
        .submit(
            "/basket/items",
            &[
                ("product_id", &product_id.to_string()),
                ("quantity", &quantity.to_string()),
                ("next", next),
            ],
        )
        .await
}

#[actix_web::test]
async fn the_basket_hint_is_the_stock_left_never_the_shoppers_own_quantity() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(TEAPOT, 3).await;

    app.set_stock(TEAPOT, 1);
    let one_left = browser.get("/basket").await;
    app.set_stock(TEAPOT, 0);
    let none_left = browser.get("/basket").await;

    assert!(
        one_left.body.contains("Only 1 in stock now"),
        "{}",
        one_left.body
    );
    assert!(one_left.body.contains("max=\"1\""));
    assert!(!one_left.body.contains("Only 3 in stock now"));
    assert!(
        none_left.body.contains("Out of stock now"),
        "{}",
        none_left.body
    );
    assert!(!none_left.body.contains("Only 3 in stock now"));
}

#[actix_web::test]
async fn a_refused_add_on_a_product_page_is_409_with_that_page_the_message_and_the_form_marked() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(WATERING_CAN, 4).await;
    let before = app.snapshot();

    let page = add_from(
        &browser,
        WATERING_CAN,
        2,
        &format!("/products/{WATERING_CAN}"),
    )
    .await;

    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(
        page.body.contains("<h1>Copper Watering Can</h1>"),
        "the product page: {}",
        page.body
    );
    assert!(page.body.contains("only 5 of Copper Watering Can"));
    assert!(
        page.body.contains("class=\"flash flash-error"),
        "the message at the top"
    );
    assert!(page.body.contains("add-form-refused"), "the form is marked");
    assert!(page.body.contains("aria-invalid=\"true\""));
    assert!(page.body.contains(&header_count(4)), "the true count");
    assert_eq!(app.snapshot(), before, "nothing changed");
}

#[actix_web::test]
async fn a_refused_add_on_the_catalogue_is_409_with_the_catalogue_and_the_card_marked() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(WATERING_CAN, 5).await;

    let page = add_from(&browser, WATERING_CAN, 1, "/").await;

    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("Good things for home"), "the catalogue");
    assert!(page
        .body
        .contains("product-card product-card-refused\" id=\"product-6\""));
    assert!(page.body.contains(&header_count(5)));
}

#[actix_web::test]
async fn a_refused_basket_change_is_409_with_the_basket_and_the_line_marked() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(WATERING_CAN, 2).await;
    browser.add_to_basket(MUG, 1).await;

    let too_many = browser
        .submit(
            &format!("/basket/items/{WATERING_CAN}"),
            &[("quantity", "6")],
        )
        .await;
    let over_99 = browser
        .submit(&format!("/basket/items/{MUG}"), &[("quantity", "100")])
        .await;
    app.set_stock(MUG, 500);
    browser.add_to_basket(MUG, 98).await;
    let past_99 = add_from(&browser, MUG, 1, "/").await;

    assert_eq!(too_many.status, StatusCode::CONFLICT);
    assert!(too_many.body.contains("<h1>Your basket</h1>"));
    assert!(too_many
        .body
        .contains("id=\"product-6\" class=\"line-refused\""));
    assert!(too_many.body.contains("only 5 of Copper Watering Can"));
    assert!(too_many.body.contains(&header_count(3)));
    assert_eq!(
        over_99.status,
        StatusCode::BAD_REQUEST,
        "100 is no quantity at all"
    );
    assert_eq!(past_99.status, StatusCode::CONFLICT);
    assert!(past_99.body.contains("at most 99"), "{}", past_99.body);
    assert!(past_99.body.contains(&header_count(101)));
}

#[actix_web::test]
async fn stock_lost_at_checkout_is_409_with_the_checkout_page_the_message_and_the_line_marked() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(TEAPOT, 3).await;
    let (_, token) = browser.open_checkout().await;
    app.set_stock(TEAPOT, 1);

    let page = browser.place_order(&token).await;

    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("<h1>Checkout</h1>"), "{}", page.body);
    assert!(page.body.contains("Stoneware Teapot (3 wanted, 1 left)"));
    assert!(page.body.contains("class=\"line-refused\""));
    assert!(page.body.contains("Only 1 left"));
    assert!(
        page.body.contains("value=\"Ada Lovelace\""),
        "the details typed are kept"
    );
    assert!(page.body.contains(&header_count(3)));
    assert_eq!(app.count("orders"), 0);
}

#[actix_web::test]
async fn error_pages_show_the_true_basket_count_and_say_what_happened() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 2).await;
    let reader = app.browser();

    let not_found = shopper.get("/no-such-page").await;
    let unknown_product = shopper.get("/products/999").await;
    let forged = shopper
        .post_form("/basket/items", &[("product_id", "1"), ("quantity", "1")])
        .await;
    let too_large = shopper
        .post_raw("/basket/items", vec![b'a'; 64 * 1024])
        .await;
    let sessions = app.count("sessions");
    let anonymous = reader.get("/no-such-page").await;

    assert_eq!(not_found.status, StatusCode::NOT_FOUND);
    assert!(not_found
        .body
        .contains("<title>Page not found · Trolley</title>"));
    for page in [&not_found, &unknown_product, &forged, &too_large] {
        assert!(
            page.body.contains(&header_count(2)),
            "{}: {}",
            page.status,
            page.body
        );
    }
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.body.contains("<title>Not allowed · Trolley</title>"));
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(anonymous.body.contains(&header_count(0)));
    assert_eq!(
        app.count("sessions"),
        sessions,
        "a reader gets no session row"
    );
}

#[actix_web::test]
async fn an_add_returns_to_its_page_at_the_product_with_a_message_naming_it() {
    let app = spawn_app().await;
    let browser = app.browser();

    let from_catalogue = add_from(&browser, TEAPOT, 1, "/").await;
    let from_product = add_from(&browser, MUG, 2, &format!("/products/{MUG}")).await;
    let page = browser.get(&format!("/products/{MUG}")).await;

    assert_redirect_to(&from_catalogue, &format!("/#product-{TEAPOT}"));
    assert_redirect_to(&from_product, &format!("/products/{MUG}#product-{MUG}"));
    assert!(page
        .body
        .contains("Added 2 of the Enamel Camping Mug to your basket."));
    assert!(page
        .body
        .contains("<a href=\"/basket\">View your basket</a>"));
    assert!(page.body.contains(&header_count(3)));
    assert!(page
        .body
        .contains("name=\"next\" value=\"&#x2F;products&#x2F;1\""));
}

#[actix_web::test]
async fn a_next_that_is_not_a_local_path_is_ignored() {
    let app = spawn_app().await;
    let browser = app.browser();

    for next in [
        "//evil.example/",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "",
    ] {
        let page = add_from(&browser, MUG, 1, next).await;
        assert_redirect_to(&page, "/basket");
    }
}

#[actix_web::test]
async fn basket_messages_name_the_product() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(TEAPOT, 1).await;

    browser
        .submit(&format!("/basket/items/{TEAPOT}"), &[("quantity", "2")])
        .await;
    let updated = browser.get("/basket").await;
    browser
        .submit(&format!("/basket/items/{TEAPOT}"), &[("quantity", "0")])
        .await;
    let removed = browser.get("/basket").await;

    assert!(updated
        .body
        .contains("Updated the Stoneware Teapot: 2 in your basket."));
    assert!(removed
        .body
        .contains("Removed the Stoneware Teapot from your basket."));
}

#[actix_web::test]
async fn a_checkout_422_starts_with_a_summary_linking_each_bad_field() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    let (_, token) = browser.open_checkout().await;

    let page = browser
        .submit(
            "/checkout",
            &[
                ("name", ""),
                ("email", "nope"),
                ("address", "Somewhere SW1A 1AA"),
                ("order_token", &token),
            ],
        )
        .await;

    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page
        .body
        .contains("<title>Error: Checkout · Trolley</title>"));
    let summary = page
        .body
        .find("class=\"error-summary\"")
        .expect("a summary");
    assert!(summary < page.body.find("<h1>Checkout</h1>").expect("the heading"));
    assert!(page.body.contains("<a href=\"#name\">"));
    assert!(page.body.contains("<a href=\"#email\">"));
    assert!(!page.body.contains("<a href=\"#address\">"));
    assert!(page.body.contains("tabindex=\"-1\" autofocus"));
}

#[actix_web::test]
async fn the_catalogues_quantity_boxes_are_labelled_with_the_product() {
    let app = spawn_app().await;

    let page = app.browser().get("/").await;

    assert!(page
        .body
        .contains("Quantity<span class=\"visually-hidden\"> of Stoneware Teapot</span></label>"));
}
