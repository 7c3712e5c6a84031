//! What admins are told: a cancel that asks first, a chart that follows the filter, errors
//! that stay in the admin area, times in the shop's zone.

use actix_web::http::StatusCode;

use crate::common::{
    assert_redirect_to, spawn_app, spawn_app_with, Browser, TestApp, ADMIN, ADMIN_PASSWORD, TEAPOT,
};

async fn admin(app: &TestApp) -> Browser {
    app.create_admin(ADMIN, ADMIN_PASSWORD);
    let browser = app.browser();
    assert_redirect_to(
        &browser.log_in(ADMIN, ADMIN_PASSWORD).await,
        "/admin/orders",
    );
    browser
}

fn last_order_id(app: &TestApp) -> i64 {
    app.scalar("SELECT MAX(id) AS n FROM orders")
}

#[actix_web::test]
async fn cancel_asks_first_naming_the_order_the_customer_and_the_stock_put_back() {
    let app = spawn_app().await;
    app.buy(TEAPOT, 2, "Grace Hopper", "grace@example.com")
        .await;
    let id = last_order_id(&app);
    let admin = admin(&app).await;

    let order = admin.get(&format!("/admin/orders/{id}")).await;
    let confirm = admin.get(&format!("/admin/orders/{id}/cancel")).await;

    assert!(order
        .body
        .contains(&format!("href=\"/admin/orders/{id}/cancel\"")));
    assert!(
        !order.body.contains("name=\"status\" value=\"cancelled\""),
        "no one-click cancel"
    );
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm.body.contains("Cancel order T0000"),
        "{}",
        confirm.body
    );
    assert!(confirm.body.contains("Grace Hopper"));
    assert!(confirm.body.contains("grace@example.com"));
    assert!(confirm.body.contains("2 × Stoneware Teapot"));
    assert!(confirm
        .body
        .contains(&format!("action=\"/admin/orders/{id}/status\"")));
    assert!(confirm.body.contains("name=\"status\" value=\"cancelled\""));
    assert_eq!(app.stock_of(TEAPOT), 10, "asking changes nothing");

    let token = confirm.hidden("csrf_token").expect("a token");
    let done = admin
        .post_form(
            &format!("/admin/orders/{id}/status"),
            &[("csrf_token", &token), ("status", "cancelled")],
        )
        .await;
    assert_redirect_to(&done, &format!("/admin/orders/{id}"));
    assert_eq!(app.stock_of(TEAPOT), 12);
    let again = admin.get(&format!("/admin/orders/{id}/cancel")).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("Trolley admin"), "the admin header");
}

#[actix_web::test]
async fn admin_errors_keep_the_admin_header() {
    let app = spawn_app().await;
    let admin = admin(&app).await;

    let missing = admin.get("/admin/orders/999999").await;
    let nowhere = admin.get("/admin/no-such-page").await;

    for page in [&missing, &nowhere] {
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.body.contains("Trolley admin"), "{}", page.body);
        assert!(page.body.contains("action=\"/admin/logout\""));
        assert!(!page.body.contains("in your basket"));
        assert!(page
            .body
            .contains("<title>Page not found · Trolley</title>"));
    }
}

#[actix_web::test]
async fn the_chart_follows_the_filter_and_an_empty_result_offers_to_clear_it() {
    let app = spawn_app().await;
    app.insert_orders(9, "Ada", "ada@example.com", 1000);
    app.insert_orders(2, "Bob", "bob@example.com", 500);
    let admin = admin(&app).await;

    let all = admin.get("/admin/orders").await;
    let bob = admin.get("/admin/orders?q=bob").await;
    let nobody = admin.get("/admin/orders?q=nobody&status=shipped").await;

    assert!(all.body.contains("Last 30 days: 11 orders"), "{}", all.body);
    assert!(bob
        .body
        .contains("orders matching this filter: 2 orders, £10.00"));
    assert!(nobody
        .body
        .contains("orders matching this filter: 0 orders"));
    assert!(nobody
        .body
        .contains("<a href=\"/admin/orders\">Clear the filters</a>"));
    let list = all.body.find("<table class=\"table\">").expect("the list");
    assert!(
        list < all.body.find("class=\"chart\"").expect("the chart"),
        "the list comes first"
    );
}

#[actix_web::test]
async fn times_are_shown_in_the_shops_zone_and_the_csv_is_named_for_its_day() {
    let london = spawn_app().await;
    london.buy(TEAPOT, 1, "Ada", "ada@example.com").await;
    let admin_london = admin(&london).await;
    let new_york =
        spawn_app_with(|settings| settings.timezone = chrono_tz::America::New_York).await;
    new_york.buy(TEAPOT, 1, "Ada", "ada@example.com").await;
    let admin_new_york = admin(&new_york).await;

    let in_london = admin_london.get("/admin/orders").await;
    let in_new_york = admin_new_york.get("/admin/orders").await;
    let csv = admin_london.get("/admin/orders.csv").await;

    assert!(in_london.body.contains(" GMT</td>") || in_london.body.contains(" BST</td>"));
    assert!(in_new_york.body.contains(" EST</td>") || in_new_york.body.contains(" EDT</td>"));
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .format("%Y-%m-%d");
    assert_eq!(
        csv.header("content-disposition"),
        Some(format!("attachment; filename=\"trolley-orders-{today}.csv\"").as_str())
    );
}

/// A product's history and the idle baskets follow the shop's zone like every other
/// admin time, never a hard-coded UTC.
#[actix_web::test]
async fn product_history_and_idle_baskets_are_shown_in_the_shops_zone() {
    let app = spawn_app_with(|settings| settings.timezone = chrono_tz::America::New_York).await;
    let admin = admin(&app).await;
    admin
        .submit(
            &format!("/admin/products/{TEAPOT}/stock"),
            &[("change", "+1")],
        )
        .await;
    let shopper = app.browser();
    shopper.add_to_basket(TEAPOT, 1).await;
    // Idle for a day and more: its expiry is a day and a minute earlier than a new one's.
    app.execute("UPDATE baskets SET expires_at = expires_at - 86460");

    let product = admin.get(&format!("/admin/products/{TEAPOT}")).await;
    let baskets = admin.get("/admin/baskets").await;

    for page in [&product, &baskets] {
        assert!(
            page.body.contains(" EST") || page.body.contains(" EDT"),
            "{}",
            page.body
        );
        assert!(!page.body.contains(" UTC"), "{}", page.body);
    }
}
