//! What the receipt and the admin's outbox page say about emails.

use std::time::Duration;

use actix_web::http::StatusCode;

use super::events::{admin, order_id, set_status};
use super::{free_port, send_to, SmtpSink};
use crate::common::{assert_redirect_to, spawn_app, spawn_app_with, MUG};

#[actix_web::test]
async fn without_an_smtp_url_emails_are_queued_and_listed_and_no_page_claims_one_was_sent() {
    let app = spawn_app().await;
    let token = app.buy(MUG, 1, "Ada Lovelace", "ada@example.com").await;

    let receipt = app.browser().get(&format!("/orders/{token}")).await;
    assert_eq!(receipt.status, StatusCode::OK);
    assert!(receipt.body.contains("Order total"));
    assert!(!receipt.body.to_lowercase().contains("paid"));
    assert!(!receipt.body.contains("on its way"), "{}", receipt.body);
    assert!(!receipt.body.contains("sent to"));

    let admin = admin(&app).await;
    let page = admin.get("/admin/emails").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page.body.contains("ada@example.com"));
    assert!(page.body.contains("Your Trolley order T000001 is placed"));
    assert!(page.body.contains("Queued"));
    assert!(page.body.contains("No SMTP server is configured"));
    assert!(
        page.body.contains("href=\"/admin/emails\""),
        "the admin header links it"
    );
}

#[actix_web::test]
async fn the_receipt_says_an_email_is_on_its_way_when_one_is() {
    let port = free_port();
    let Some(sink) = SmtpSink::start(port, false) else {
        return;
    };
    let app = spawn_app_with(|settings| send_to(settings, port, 5)).await;
    let token = app.buy(MUG, 1, "Ada Lovelace", "ada@example.com").await;
    sink.wait_for(1, Duration::from_secs(20)).await;

    let receipt = app.browser().get(&format!("/orders/{token}")).await;

    assert!(receipt.body.contains("Thank you, Ada Lovelace"));
    assert!(receipt
        .body
        .contains("A confirmation email is on its way to ada@example.com"));
    assert!(!receipt.body.to_lowercase().contains("paid"));
}

#[actix_web::test]
async fn a_cancelled_orders_receipt_says_it_was_cancelled_first() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let token = app.buy(MUG, 1, "Ada Lovelace", "ada@example.com").await;
    set_status(&admin, order_id(&app, &token), "cancelled").await;

    let receipt = app.browser().get(&format!("/orders/{token}")).await;

    let heading = receipt.body.find("<h1>").expect("a heading");
    assert!(receipt.body[heading..].starts_with("<h1>Order T000001 was cancelled</h1>"));
    assert!(!receipt.body.contains("Thank you"), "{}", receipt.body);
}

#[actix_web::test]
async fn the_outbox_is_for_admins_only_and_resending_needs_the_csrf_token() {
    let app = spawn_app().await;
    app.buy(MUG, 1, "Ada Lovelace", "ada@example.com").await;
    app.execute("UPDATE outbox SET state = 'failed', last_error = 'refused'");
    let stranger = app.browser();
    assert_redirect_to(&stranger.get("/admin/emails").await, "/admin/login");
    let anonymous = stranger
        .submit("/admin/emails/1/resend", &[("resends", "0")])
        .await;
    assert_eq!(anonymous.status, StatusCode::FORBIDDEN);

    let admin = admin(&app).await;
    let forged = admin
        .post_form("/admin/emails/1/resend", &[("resends", "0")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'failed'"),
        1,
        "nothing changed"
    );
}

#[actix_web::test]
async fn the_outbox_is_paged_fifty_to_a_page_newest_first() {
    let app = spawn_app().await;
    app.insert_orders(51, "Shopper", "shopper@example.com", 950);
    app.execute(
        "INSERT INTO outbox (order_id, kind, to_address, subject, state, attempts, \
         next_attempt_at, created_at) SELECT id, 'placed', customer_email, \
         'Order ' || CAST(id AS TEXT) || ' placed', 'queued', 0, 0, created_at FROM orders",
    );
    let admin = admin(&app).await;

    let first = admin.get("/admin/emails").await;
    let second = admin.get("/admin/emails?page=2").await;

    assert!(first.body.contains("Order 51 placed"));
    assert!(!first.body.contains("Order 1 placed<"));
    assert!(first.body.contains("Page 1 of 2"));
    assert!(second.body.contains("Order 1 placed<"));
    assert!(!second.body.contains("Order 2 placed<"));
    let bad = admin.get("/admin/emails?page=0").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
