//! The payment confirmed once, by the webhook or the return page, whichever comes first
//! and on whichever instance; a bad signature changing nothing; an expiry putting the
//! stock back; a payment after the expiry winning, flagged.

use actix_web::http::StatusCode;
use serde_json::json;
use trolley::db::models::order;

use super::super::{admin, order_id, states};
use super::{paid_events, pay_on_stripe, place, session_of, stock, stripe_settings, stripe_shop};
use crate::common::spawn_app_on;
use crate::stripe_double::{StripeDouble, WEBHOOK_SECRET};

#[actix_web::test]
async fn placing_an_order_goes_to_stripes_page_under_a_key_derived_from_the_order_token() {
    let double = StripeDouble::start();
    let app = stripe_shop(&double).await;
    let before = stock(&app);

    let (_, token, location) = place(&app, 2).await;

    assert!(
        location.starts_with(&format!("{}/c/pay/cs_test_", double.base)),
        "{location}"
    );
    let requests = double.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let created = &requests[0];
    assert_eq!(created.path, "/v1/checkout/sessions");
    let key = format!("trolley-order-{token}-checkout-0");
    assert_eq!(created.idempotency_key.as_deref(), Some(key.as_str()));
    let field = |name: &str| {
        let found = created.form.iter().find(|(key, _)| key == name);
        found.map(|(_, value)| value.as_str())
    };
    assert_eq!(field("client_reference_id"), Some(token.as_str()));
    assert_eq!(field("line_items[0][quantity]"), Some("2"));
    assert_eq!(field("line_items[0][price_data][unit_amount]"), Some("950"));
    assert_eq!(field("line_items[0][price_data][currency]"), Some("gbp"));
    let session = double.session(&session_of(&location)).expect("the session");
    assert_eq!(session["amount_total"], 1900);
    let id = order_id(&app, &token);
    assert_eq!(states(&app, id), ("placed".into(), "awaiting".into()));
    assert_eq!(
        stock(&app),
        before - 2,
        "the stock is held while the payment is made"
    );
    let receipt = app.browser().get(&format!("/orders/{token}")).await;
    assert!(receipt.body.contains("Pay now"), "{}", receipt.body);
    assert!(!receipt.body.contains("Paid:"), "{}", receipt.body);
}

#[actix_web::test]
async fn the_webhook_marks_the_order_paid_once_however_often_it_comes() {
    let double = StripeDouble::start();
    let app = stripe_shop(&double).await;
    let (_, token, location) = place(&app, 1).await;
    let id = order_id(&app, &token);

    assert_eq!(pay_on_stripe(&location).await, 303);
    let delivered = double.deliver_pending(false).await;
    let event = delivered[0].event_id.clone();
    let again = double.deliver(&event).await;

    assert_eq!(delivered[0].status, Some(200));
    assert_eq!(
        again.status,
        Some(200),
        "a duplicate is taken, and changes nothing"
    );
    assert_eq!(states(&app, id), ("placed".into(), "paid".into()));
    assert_eq!(paid_events(&app, id), 1);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM stripe_events"), 1);
    let receipt = app.browser().get(&format!("/orders/{token}")).await;
    assert!(
        receipt
            .body
            .contains("Paid: we have received your payment of £9.50"),
        "{}",
        receipt.body
    );
    assert!(!receipt.body.contains("Pay now"));
}

#[actix_web::test]
async fn the_return_page_confirms_the_payment_before_the_webhook_comes() {
    let double = StripeDouble::start();
    let app = stripe_shop(&double).await;
    let (shopper, token, location) = place(&app, 1).await;
    let id = order_id(&app, &token);
    assert_eq!(pay_on_stripe(&location).await, 303);

    let receipt = shopper
        .get(&format!("/orders/{token}?checkout=return"))
        .await;

    assert_eq!(receipt.status, StatusCode::OK);
    assert!(
        receipt.body.contains("Paid: we have received"),
        "{}",
        receipt.body
    );
    assert_eq!(states(&app, id), ("placed".into(), "paid".into()));
    // The webhook, late, changes nothing.
    let delivered = double.deliver_pending(false).await;
    assert_eq!(delivered[0].status, Some(200));
    assert_eq!(paid_events(&app, id), 1);
}

#[actix_web::test]
async fn the_webhook_and_the_return_page_racing_on_two_instances_confirm_once() {
    let double = StripeDouble::start();
    let app = stripe_shop(&double).await;
    let mut settings = app.settings.clone();
    stripe_settings(&mut settings, &double);
    let other = spawn_app_on(std::rc::Rc::clone(&app.database), settings).await;
    let mut orders = Vec::new();
    for _ in 0..4 {
        let (_, token, location) = place(&app, 1).await;
        assert_eq!(pay_on_stripe(&location).await, 303);
        orders.push(token);
    }

    // Each payment's webhook to one instance while its return page is read on the other.
    let returns = orders.iter().map(|token| {
        let browser = other.browser();
        let path = format!("/orders/{token}?checkout=return");
        async move { browser.get(&path).await.status }
    });
    let (delivered, returned) = futures::join!(
        double.deliver_pending(false),
        futures::future::join_all(returns)
    );

    assert!(
        delivered.iter().all(|d| d.status == Some(200)),
        "{delivered:?}"
    );
    assert!(returned.iter().all(|status| *status == StatusCode::OK));
    for token in &orders {
        let id = order_id(&app, token);
        assert_eq!(
            states(&app, id),
            ("placed".into(), "paid".into()),
            "{token}"
        );
        assert_eq!(paid_events(&app, id), 1, "{token}");
    }
}

#[actix_web::test]
async fn a_webhook_without_a_good_signature_is_refused_400_and_changes_nothing() {
    let double = StripeDouble::start();
    let app = stripe_shop(&double).await;
    let (_, token, location) = place(&app, 1).await;
    let session = session_of(&location);
    let payload = json!({
        "id": "evt_forged",
        "type": "checkout.session.completed",
        "data": {"object": {"id": session, "client_reference_id": token,
                            "payment_status": "paid", "payment_intent": "pi_forged"}},
    })
    .to_string();
    let now = chrono::Utc::now().timestamp();
    let signed =
        |secret: &str, at: i64| crate::stripe_double::signature_header(&payload, secret, at);

    for header in [
        None,
        Some("t=1,v1=00".to_owned()),
        Some(signed("whsec_someone_else", now)),
        Some(signed(WEBHOOK_SECRET, now - 301)),
    ] {
        let mut request = awc::Client::new()
            .post(format!("{}/payments/stripe/webhook", app.address))
            .insert_header(("Content-Type", "application/json"));
        if let Some(header) = &header {
            request = request.insert_header(("Stripe-Signature", header.as_str()));
        }
        let response = request.send_body(payload.clone()).await.expect("an answer");
        assert_eq!(response.status().as_u16(), 400, "{header:?}");
    }

    let id = order_id(&app, &token);
    assert_eq!(states(&app, id), ("placed".into(), "awaiting".into()));
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM stripe_events"), 0);
}

#[actix_web::test]
async fn an_expired_session_expires_the_payment_and_puts_the_stock_back() {
    let double = StripeDouble::start();
    let app = stripe_shop(&double).await;
    let before = stock(&app);
    let (_, token, location) = place(&app, 3).await;
    let id = order_id(&app, &token);

    assert!(double.expire(&session_of(&location)));
    let delivered = double.deliver_pending(false).await;
    let again = double.deliver(&delivered[0].event_id).await;

    assert_eq!(again.status, Some(200));
    assert_eq!(states(&app, id), ("cancelled".into(), "expired".into()));
    assert_eq!(stock(&app), before, "the stock went back once");
    let receipt = app.browser().get(&format!("/orders/{token}")).await;
    assert!(!receipt.body.contains("Pay now"), "{}", receipt.body);
}

#[actix_web::test]
async fn a_payment_after_the_order_expired_wins_and_the_order_is_flagged_for_an_admin() {
    let double = StripeDouble::start();
    let app = stripe_shop(&double).await;
    let admin = admin(&app).await;
    let before = stock(&app);
    let (_, token, location) = place(&app, 1).await;
    let id = order_id(&app, &token);
    // The shopper pays at the last moment; the deadline job has cancelled it meanwhile.
    assert_eq!(pay_on_stripe(&location).await, 303);
    super::super::overdue(&app);
    let now = chrono::Utc::now().naive_utc();
    let db = app.db.clone();
    let cancelled = db
        .query(move |conn| order::cancel_next_overdue(conn, now))
        .await;
    assert_eq!(cancelled.expect("the deadline runs"), Some(id));
    assert_eq!(stock(&app), before, "its stock went back");

    let delivered = double.deliver_pending(false).await;

    assert_eq!(delivered[0].status, Some(200));
    assert_eq!(
        states(&app, id),
        ("placed".into(), "paid".into()),
        "the payment wins"
    );
    let page = admin.get(&format!("/admin/orders/{id}")).await;
    assert!(page.body.contains("Look at this order:"), "{}", page.body);
    let list = admin.get("/admin/orders").await;
    let flagged = list.body.matches("Paid late: look at it").count();
    assert_eq!(flagged, 1, "{}", list.body);
    assert!(
        page.body.contains("check the stock before shipping"),
        "{}",
        page.body
    );
    // An expiry of that session, arriving after, changes nothing.
    let session = session_of(&location);
    let expired = json!({"id": "evt_late_expiry", "type": "checkout.session.expired",
        "data": {"object": {"id": session, "client_reference_id": token}}})
    .to_string();
    let header = crate::stripe_double::signature_header(
        &expired,
        WEBHOOK_SECRET,
        chrono::Utc::now().timestamp(),
    );
    let response = awc::Client::new()
        .post(format!("{}/payments/stripe/webhook", app.address))
        .insert_header(("Stripe-Signature", header))
        .send_body(expired)
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(states(&app, id), ("placed".into(), "paid".into()));
}

#[actix_web::test]
async fn the_email_of_an_order_not_yet_paid_by_card_says_how_to_pay_from_the_receipt() {
    let port = crate::api::emails::free_port();
    let Some(sink) = crate::api::emails::SmtpSink::start(port, false) else {
        return;
    };
    let double = StripeDouble::start();
    let app = crate::common::spawn_app_with(|settings| {
        stripe_settings(settings, &double);
        crate::api::emails::send_to(settings, port, 5);
    })
    .await;
    let (_, token, _) = place(&app, 1).await;

    let received = sink.wait_for(1, std::time::Duration::from_secs(20)).await;

    let text = received[0]
        .text
        .as_deref()
        .expect("a plain-text body")
        .replace("\r\n", "\n");
    assert!(
        text.contains("We have not received your payment of £9.50 yet: you can pay by card from your receipt,"),
        "{text}"
    );
    assert!(text.contains(&format!("/orders/{token}")), "{text}");
    assert!(
        !text.contains("Paid:") && !text.contains("bank transfer"),
        "{text}"
    );
    let html = received[0].html.as_deref().expect("an HTML body");
    assert!(html.contains("you can pay by card from <a href="), "{html}");
}

#[actix_web::test]
async fn a_webhook_the_database_cannot_take_is_refused_and_its_retry_pays_the_order_once() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    use trolley::config::DatabaseUrl;

    let double = StripeDouble::start();
    let app = stripe_shop(&double).await;
    let (_, token, location) = place(&app, 1).await;
    let id = order_id(&app, &token);
    assert_eq!(pay_on_stripe(&location).await, 303);
    let event = double.events()[0].id.clone();

    // Another connection holds the lock the order's update needs.
    let mut lock: Box<dyn SimpleConnection> = match &app.database.url {
        DatabaseUrl::Sqlite(path) => {
            let mut conn = diesel::SqliteConnection::establish(path).expect("connect");
            conn.batch_execute("BEGIN IMMEDIATE")
                .expect("the write lock");
            Box::new(conn)
        }
        DatabaseUrl::Postgres(url) => {
            let mut conn = diesel::PgConnection::establish(url).expect("connect");
            conn.batch_execute("BEGIN; LOCK TABLE orders IN EXCLUSIVE MODE;")
                .expect("lock the orders");
            Box::new(conn)
        }
    };
    // Delivered as the double does, waiting as long as Trolley takes to answer.
    let payload = double
        .events()
        .into_iter()
        .find(|e| e.id == event)
        .expect("the event")
        .payload;
    let at = chrono::Utc::now().timestamp();
    let signature = crate::stripe_double::signature_header(&payload, WEBHOOK_SECRET, at);
    let refused = awc::Client::new()
        .post(format!("{}/payments/stripe/webhook", app.address))
        .timeout(std::time::Duration::from_secs(30))
        .insert_header(("Stripe-Signature", signature))
        .send_body(payload)
        .await
        .expect("an answer");
    lock.batch_execute("ROLLBACK").expect("release the lock");
    let retried = double.deliver(&event).await;

    let status = refused.status().as_u16();
    assert_eq!(status, 503, "Stripe is asked to send it again");
    assert_eq!(retried.status, Some(200));
    assert_eq!(states(&app, id), ("placed".into(), "paid".into()));
    assert_eq!(paid_events(&app, id), 1);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM stripe_events"), 1);
}
