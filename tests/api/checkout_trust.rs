//! Totals a shopper can trust: only what can be ordered is counted, every problem line is
//! marked with its fix at checkout, and a price that changed is said.

use actix_web::http::StatusCode;

use crate::common::{assert_redirect_to, spawn_app, Browser, TestApp, MUG, TEAPOT, WATERING_CAN};

/// A basket of a mug (£9.50), two teapots (£64.00, taken off sale) and three watering
/// cans (£135.00, only 2 left).
async fn basket_with_two_problems(app: &TestApp) -> Browser {
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    browser.add_to_basket(TEAPOT, 2).await;
    browser.add_to_basket(WATERING_CAN, 3).await;
    app.set_active(TEAPOT, false);
    app.set_stock(WATERING_CAN, 2);
    browser
}

async fn fix(browser: &Browser, product_id: i64, quantity: &str) -> crate::common::Page {
    browser
        .submit(
            &format!("/basket/items/{product_id}"),
            &[("quantity", quantity), ("next", "/checkout")],
        )
        .await
}

#[actix_web::test]
async fn the_basket_total_counts_only_what_can_be_ordered_and_an_off_sale_line_links_nowhere() {
    let app = spawn_app().await;
    let browser = basket_with_two_problems(&app).await;

    let basket = browser.get("/basket").await;

    assert_eq!(basket.status, StatusCode::OK);
    assert!(
        basket.body.contains("Total (1 item you can order)"),
        "{}",
        basket.body
    );
    assert!(basket.body.contains(r#"<td class="num total">£9.50</td>"#));
    assert!(basket.body.contains("2 lines below can't be ordered"));
    assert!(basket
        .body
        .contains("No longer available: please remove it"));
    assert!(basket.body.contains("Only 2 in stock now"));
    assert!(basket.body.contains("Take the 2 left"));
    assert!(
        !basket
            .body
            .contains(&format!(r#"href="/products/{TEAPOT}""#))
            && !basket
                .body
                .contains(&format!(r#"href="&#x2F;products&#x2F;{TEAPOT}""#)),
        "the off-sale line's name links nowhere"
    );
    assert!(basket.body.contains(&format!("/products/{MUG}")));
    // The header still counts every item in the basket.
    assert!(basket.body.contains("(6 items in your basket)"));
}

#[actix_web::test]
async fn checkout_marks_every_problem_line_with_its_fix_and_offers_no_place_order() {
    let app = spawn_app().await;
    let browser = basket_with_two_problems(&app).await;

    let (checkout, _token) = browser.open_checkout().await;

    assert!(checkout.body.contains(r#"id="checkout-problems""#));
    assert!(checkout
        .body
        .contains("Stoneware Teapot: no longer available"));
    assert!(checkout
        .body
        .contains("Copper Watering Can: only 2 left, you have 3"));
    assert!(!checkout.body.contains("Place order"), "{}", checkout.body);
    assert!(checkout.body.contains(r#"id="place-order-blocked""#));
    assert!(checkout.body.contains("Total of what you can order"));
    assert!(checkout
        .body
        .contains(r#"<td class="num total">£9.50</td>"#));
    // The fixes: remove either, or take the two left; each comes back to checkout.
    assert!(checkout.body.contains("Take the 2 left"));
    assert_eq!(
        checkout
            .body
            .matches(r#"name="next" value="/checkout""#)
            .count(),
        3
    );
}

#[actix_web::test]
async fn fixing_the_lines_at_checkout_returns_there_and_then_the_order_can_be_placed() {
    let app = spawn_app().await;
    let browser = basket_with_two_problems(&app).await;
    browser.open_checkout().await;

    let taken = fix(&browser, WATERING_CAN, "2").await;
    assert_redirect_to(&taken, "/checkout");
    let removed = fix(&browser, TEAPOT, "0").await;
    assert_redirect_to(&removed, "/checkout");
    let (checkout, token) = browser.open_checkout().await;

    assert!(
        checkout.body.contains("Place order · £99.50"),
        "{}",
        checkout.body
    );
    assert!(!checkout.body.contains("checkout-problems"));
    let placed = browser.place_order(&token).await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER);
    assert_eq!(app.stock_of(WATERING_CAN), 0);
}

#[actix_web::test]
async fn a_checkout_posted_with_both_problems_names_both_and_orders_nothing() {
    let app = spawn_app().await;
    let browser = basket_with_two_problems(&app).await;
    let (_, token) = browser.open_checkout().await;
    let before = app.snapshot();

    let refused = browser.place_order(&token).await;

    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused
        .body
        .contains("no longer available: Stoneware Teapot"));
    assert!(refused
        .body
        .contains("Copper Watering Can (3 wanted, 2 left)"));
    assert_eq!(app.snapshot(), before);
    assert_eq!(app.count("orders"), 0);
}

#[actix_web::test]
async fn a_price_changed_since_the_line_was_added_is_said_until_the_shopper_has_seen_it() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 2).await;
    app.execute(&format!(
        "UPDATE products SET price_pence = 1100 WHERE id = {MUG}"
    ));

    let shown = browser.get("/basket").await;
    let again = browser.get("/basket").await;

    assert!(
        shown.body.contains("Price changed from £9.50"),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("£22.00"), "the line at the new price");
    assert!(
        !again.body.contains("Price changed"),
        "seen once, said once"
    );
}

#[actix_web::test]
async fn a_price_change_is_said_on_checkout_when_the_basket_page_was_not_seen() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(TEAPOT, 1).await;
    app.execute(&format!(
        "UPDATE products SET price_pence = 2900 WHERE id = {TEAPOT}"
    ));

    let (checkout, _) = browser.open_checkout().await;
    let (again, _) = browser.open_checkout().await;

    assert!(checkout.body.contains("Price changed from £32.00"));
    assert!(checkout.body.contains("Place order · £29.00"));
    assert!(!again.body.contains("Price changed"));
}

#[actix_web::test]
async fn adding_more_of_a_product_at_its_new_price_is_seeing_that_price() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    app.execute(&format!(
        "UPDATE products SET price_pence = 1000 WHERE id = {MUG}"
    ));

    browser.add_to_basket(MUG, 1).await;
    let basket = browser.get("/basket").await;

    assert!(!basket.body.contains("Price changed"), "{}", basket.body);
}
