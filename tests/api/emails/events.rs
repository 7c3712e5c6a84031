//! One email per order event, written with the event or not at all.

use std::time::Duration;

use actix_web::http::StatusCode;

use super::{free_port, send_to, SmtpSink};
use crate::common::{spawn_app_with, Browser, TestApp, ADMIN, ADMIN_PASSWORD, MUG, TEAPOT};

/// An admin browser, logged in.
pub async fn admin(app: &TestApp) -> Browser {
    app.create_admin(ADMIN, ADMIN_PASSWORD);
    let browser = app.browser();
    let page = browser.log_in(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    // Follow the redirect, as a browser does: the new session's CSRF token comes with it.
    browser.get("/admin/orders").await;
    browser
}

pub fn order_id(app: &TestApp, token: &str) -> i64 {
    app.scalar(&format!(
        "SELECT id AS n FROM orders WHERE order_token = '{token}'"
    ))
}

pub async fn set_status(admin: &Browser, id: i64, status: &str) {
    let page = admin
        .submit(&format!("/admin/orders/{id}/status"), &[("status", status)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
}

#[actix_web::test]
async fn placing_shipping_and_cancelling_orders_each_send_one_email() {
    let port = free_port();
    let Some(sink) = SmtpSink::start(port, false) else {
        return;
    };
    let app = spawn_app_with(|settings| send_to(settings, port, 5)).await;
    let admin = admin(&app).await;

    let shipped = app.buy(MUG, 2, "Ada Lovelace", "ada@example.com").await;
    let cancelled = app
        .buy(TEAPOT, 1, "Charles Babbage", "cb@example.com")
        .await;
    set_status(&admin, order_id(&app, &shipped), "shipped").await;
    set_status(&admin, order_id(&app, &cancelled), "cancelled").await;

    let received = sink.wait_for(4, Duration::from_secs(20)).await;
    assert_eq!(received.len(), 4, "one email per event: {received:#?}");
    let mut ids: Vec<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "<order-T000001-placed@localhost>",
            "<order-T000001-shipped@localhost>",
            "<order-T000002-cancelled@localhost>",
            "<order-T000002-placed@localhost>",
        ]
    );
    let placed = received
        .iter()
        .find(|m| m.message_id == "<order-T000001-placed@localhost>")
        .expect("the first order's confirmation");
    assert!(placed.subject.contains("T000001"), "{}", placed.subject);
    assert!(placed.to.contains("ada@example.com"));
    assert!(placed.from.contains("shop@localhost"));
    let text = placed
        .text
        .as_deref()
        .expect("a plain-text body")
        .replace("\r\n", "\n");
    for expected in [
        "2 x Enamel Camping Mug at £9.50: £19.00",
        "Order total: £19.00",
        "1 Test Street\nLeeds",
        &format!("https://shop.example/orders/{shipped}"),
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    let html = placed.html.as_deref().expect("an HTML body");
    // Autoescaped: `/` is written `&#x2F;`, which a mail client reads back as `/`.
    let link = format!("https://shop.example/orders/{shipped}").replace('/', "&#x2F;");
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
    assert!(html.contains("1 Test Street<br>"), "{html}");
    assert_eq!(
        app.count("outbox"),
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent' AND attempts = 1")
    );
}

#[actix_web::test]
async fn an_out_of_stock_checkout_queues_no_email() {
    let app = spawn_app_with(|_| {}).await;
    let browser = app.browser();
    browser.add_to_basket(TEAPOT, 2).await;
    let (_, token) = browser.open_checkout().await;
    app.set_stock(TEAPOT, 1);

    let refused = browser.place_order(&token).await;

    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert_eq!(app.count("orders"), 0);
    assert_eq!(app.count("outbox"), 0);
}

#[actix_web::test]
async fn a_refused_status_change_queues_no_second_email() {
    let app = spawn_app_with(|_| {}).await;
    let admin = admin(&app).await;
    let token = app.buy(MUG, 1, "Ada Lovelace", "ada@example.com").await;
    let id = order_id(&app, &token);
    set_status(&admin, id, "shipped").await;

    let again = admin
        .submit(
            &format!("/admin/orders/{id}/status"),
            &[("status", "cancelled")],
        )
        .await;

    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(app.count("outbox"), 2, "placed and shipped, nothing more");
}
