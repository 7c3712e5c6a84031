//! Coming back to checkout: after an order (Back), after a refusal (typed details kept,
//! and a browser's refused form never left to be posted again), and the postcode the
//! address must hold.

use actix_web::http::StatusCode;

use crate::common::{assert_redirect_to, spawn_app, spawn_app_with, MUG, WATERING_CAN};

const FIELDS: [(&str, &str); 3] = [
    ("name", "Grace Hopper"),
    ("email", "grace@example.com"),
    ("address", "1 Cobol Court\nArlington"),
];

fn with_token<'a>(fields: &[(&'a str, &'a str)], token: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut all = fields.to_vec();
    all.push(("order_token", token));
    all
}

#[actix_web::test]
async fn an_address_without_the_shops_postcode_is_422_saying_what_to_add() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    let (form, token) = browser.open_checkout().await;
    assert!(form
        .body
        .contains("Include the postcode, for example SW1A 1AA."));

    let refused = browser
        .submit("/checkout", &with_token(&FIELDS, &token))
        .await;

    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .body
        .contains("Please include the postcode in the address, for example SW1A 1AA."));
    assert_eq!(app.count("orders"), 0);
}

#[actix_web::test]
async fn a_shop_in_another_country_asks_for_that_countrys_postcode() {
    let app = spawn_app_with(|settings| {
        settings.country = trolley::domain::Country::from_code("US").expect("known");
    })
    .await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    let (form, token) = browser.open_checkout().await;
    assert!(form
        .body
        .contains("Include the ZIP code, for example 20500."));
    let fields = [
        ("name", "Grace Hopper"),
        ("email", "grace@example.com"),
        ("address", "1 Cobol Court\nArlington, VA 22201"),
    ];

    let placed = browser
        .submit("/checkout", &with_token(&fields, &token))
        .await;

    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);
}

#[actix_web::test]
async fn typed_details_are_kept_after_a_refused_checkout_until_an_order_is_placed() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    let (_, token) = browser.open_checkout().await;
    browser
        .submit("/checkout", &with_token(&FIELDS, &token))
        .await;

    // "Change your basket", then "Check out" again: the details are still there.
    browser.get("/basket").await;
    let (again, _) = browser.open_checkout().await;
    assert!(
        again.body.contains(r#"value="Grace Hopper""#),
        "{}",
        again.body
    );
    assert!(again.body.contains(r#"value="grace@example.com""#));
    assert!(again.body.contains("1 Cobol Court\nArlington</textarea>"));
    assert!(
        !again.body.contains("Error:"),
        "the messages were shown once"
    );

    let fields = [
        ("name", "Grace Hopper"),
        ("email", "grace@example.com"),
        ("address", "1 Cobol Court\nLondon EC1A 1BB"),
    ];
    let placed = browser
        .submit("/checkout", &with_token(&fields, &token))
        .await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER);
    browser.get("/").await;
    browser.add_to_basket(MUG, 1).await;
    let (next_time, _) = browser.open_checkout().await;
    assert!(
        !next_time.body.contains("Grace Hopper"),
        "forgotten with the order"
    );
}

#[actix_web::test]
async fn a_browsers_refused_checkout_redirects_to_the_form_which_shows_the_refusal_once() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.navigating();
    browser.add_to_basket(MUG, 1).await;
    let (_, token) = browser.open_checkout().await;

    let refused = browser
        .submit("/checkout", &with_token(&FIELDS, &token))
        .await;
    assert_redirect_to(&refused, "/checkout");
    let shown = browser.get("/checkout").await;
    let reloaded = browser.get("/checkout").await;

    assert_eq!(shown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        shown.body.contains("<title>Error: Checkout"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Please include the postcode"));
    assert!(shown.body.contains(r#"value="Grace Hopper""#));
    assert_eq!(reloaded.status, StatusCode::OK);
    assert!(!reloaded.body.contains("Please include the postcode"));
    assert!(reloaded.body.contains(r#"value="Grace Hopper""#));
}

#[actix_web::test]
async fn a_browsers_checkout_refused_for_stock_redirects_to_the_form_with_the_message_and_409() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.navigating();
    browser.add_to_basket(WATERING_CAN, 3).await;
    let (_, token) = browser.open_checkout().await;
    app.set_stock(WATERING_CAN, 1);

    let refused = browser.place_order(&token).await;
    assert_redirect_to(&refused, "/checkout");
    let shown = browser.get("/checkout").await;

    assert_eq!(shown.status, StatusCode::CONFLICT);
    assert!(shown
        .body
        .contains("Copper Watering Can (3 wanted, 1 left)"));
    assert!(shown.body.contains("Take the 1 left"));
    assert!(
        shown.body.contains("12 St James&#x27;s Square"),
        "typed address kept"
    );
    assert_eq!(app.count("orders"), 0);
}

#[actix_web::test]
async fn the_checkout_page_reached_after_an_order_names_it_with_its_receipt() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.navigating();
    browser.add_to_basket(MUG, 1).await;
    let (_, token) = browser.open_checkout().await;
    let placed = browser.place_order(&token).await;
    assert_redirect_to(&placed, &format!("/orders/{token}"));

    // Back: the checkout page again.
    let back = browser.get("/checkout").await;
    assert_redirect_to(&back, "/basket");
    let basket = browser.get("/basket").await;

    assert!(
        basket.body.contains("You have placed T000001:"),
        "{}",
        basket.body
    );
    assert!(basket.body.contains("view your receipt"));
    assert!(
        basket.body.contains(&format!("/orders/{token}"))
            || basket.body.contains(&format!("&#x2F;orders&#x2F;{token}"))
    );
    assert_eq!(
        app.count("sessions"),
        0,
        "the guest's session stays destroyed"
    );
}

#[actix_web::test]
async fn a_browser_that_placed_no_order_is_told_only_that_its_basket_is_empty() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.set_cookie("trolley_last_order", "forged-value");

    let back = browser.get("/checkout").await;
    assert_redirect_to(&back, "/basket");
    let basket = browser.get("/basket").await;

    assert!(basket.body.contains("Your basket is empty: add something"));
    assert!(!basket.body.contains("You have placed"));
}

#[actix_web::test]
async fn a_signed_in_shoppers_kept_details_give_way_to_the_accounts_after_the_order() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser
        .sign_up("ada@example.com", "correct horse battery")
        .await;
    browser.add_to_basket(MUG, 1).await;
    let (_, token) = browser.open_checkout().await;
    let typed = [
        ("name", "Someone Else"),
        ("email", "ada@example.com"),
        ("address", "nowhere"),
    ];
    browser
        .submit("/checkout", &with_token(&typed, &token))
        .await;
    let (kept, _) = browser.open_checkout().await;
    assert!(kept.body.contains(r#"value="Someone Else""#));

    let placed = browser.place_order(&token).await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER);
    browser.get("/").await;
    browser.add_to_basket(MUG, 1).await;
    let (next_time, _) = browser.open_checkout().await;

    assert!(
        !next_time.body.contains("Someone Else"),
        "{}",
        next_time.body
    );
    assert!(
        next_time.body.contains("SW1Y 4LB</textarea>"),
        "the last order's address"
    );
}
