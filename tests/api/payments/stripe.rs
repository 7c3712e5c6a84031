//! Stripe Checkout against the Stripe test double: the order placed goes to the hosted
//! page under a key derived from its token; the webhook (signed, taken once) or the
//! return page confirms the payment, once, whichever comes first; an expired session puts
//! the stock back; a cancelled paid order is refunded once; and Stripe failing or a crash
//! never takes an order twice or loses one.

use std::time::Duration;

use actix_web::http::StatusCode;
use serde_json::json;
use trolley::db::models::order;
use trolley::domain::PaymentMode;

use super::{admin, order_id, set_status, states};
use crate::common::{spawn_app_on, spawn_app_with, Browser, TestApp, MUG};
use crate::stripe_double::{Fault, StripeDouble, SECRET_KEY, WEBHOOK_SECRET};

/// Settings for a shop taking card payments on `double`.
fn stripe_settings(settings: &mut trolley::config::Settings, double: &StripeDouble) {
    settings.payments.mode = PaymentMode::Stripe;
    settings.payments.deadline = Duration::from_secs(3_600);
    settings.payments.stripe = Some(trolley::config::StripeSettings {
        secret_key: SECRET_KEY.into(),
        webhook_secret: WEBHOOK_SECRET.into(),
        api_base: double.base.clone(),
    });
    settings.catalogue_max_age = Duration::ZERO;
}

/// A shop on Stripe (the double), its webhooks delivered to it.
async fn stripe_shop(double: &StripeDouble) -> TestApp {
    let app = spawn_app_with(|settings| stripe_settings(settings, double)).await;
    double.deliver_to(&format!("{}/payments/stripe/webhook", app.address));
    app
}

/// Places an order for `quantity` mugs: its token and where the shop sent the shopper.
async fn place(app: &TestApp, quantity: i32) -> (Browser, String, String) {
    let shopper = app.browser();
    shopper.add_to_basket(MUG, quantity).await;
    let (_, token) = shopper.open_checkout().await;
    let page = shopper.place_order(&token).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location = page.location().expect("a redirect").to_owned();
    (shopper, token, location)
}

/// The session id in a hosted page's address (`…/c/pay/cs_test_…`).
fn session_of(location: &str) -> String {
    location.rsplit('/').next().expect("an id").to_owned()
}

/// Pays on the double's hosted page, as the shopper's Pay button does.
async fn pay_on_stripe(location: &str) -> u16 {
    // Not followed: Stripe's redirect goes back to the shop's return page.
    let client = awc::Client::builder().disable_redirects().finish();
    let response = client
        .post(format!("{location}/pay"))
        .send()
        .await
        .unwrap_or_else(|error| panic!("the hosted page {location}: {error:?}"));
    response.status().as_u16()
}

fn paid_events(app: &TestApp, id: i64) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM payment_events WHERE order_id = {id} AND to_state = 'paid'"
    ))
}

fn stock(app: &TestApp) -> i64 {
    app.scalar(&format!(
        "SELECT CAST(stock AS BIGINT) AS n FROM products WHERE id = {MUG}"
    ))
}

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
    super::overdue(&app);
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
async fn cancelling_a_paid_order_refunds_it_once() {
    let double = StripeDouble::start();
    let app = stripe_shop(&double).await;
    let admin = admin(&app).await;
    let (_, token, location) = place(&app, 1).await;
    let id = order_id(&app, &token);
    assert_eq!(pay_on_stripe(&location).await, 303);
    let delivered = double.deliver_pending(false).await;

    let cancel = set_status(&admin, id, "cancelled").await;
    // A duplicate of the payment's webhook, and the refund asked for again.
    let duplicate = double.deliver(&delivered[0].event_id).await;
    let again = admin
        .submit(&format!("/admin/orders/{id}/refund"), &[])
        .await;
    let cancel_again = set_status(&admin, id, "cancelled").await;

    assert_eq!(cancel.status, StatusCode::SEE_OTHER, "{}", cancel.body);
    assert_eq!(duplicate.status, Some(200));
    assert_eq!(
        again.status,
        StatusCode::SEE_OTHER,
        "refunded already: {}",
        again.body
    );
    assert_eq!(cancel_again.status, StatusCode::CONFLICT);
    assert_eq!(states(&app, id), ("cancelled".into(), "refunded".into()));
    let refunds = double.refunds();
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    let asked: Vec<_> = double
        .requests()
        .into_iter()
        .filter(|request| request.path == "/v1/refunds")
        .collect();
    assert_eq!(asked.len(), 1, "Stripe asked once: {asked:?}");
    let key = format!("trolley-order-{token}-refund");
    assert!(asked
        .iter()
        .all(|r| r.idempotency_key.as_deref() == Some(key.as_str())));
    let page = admin.get(&format!("/admin/orders/{id}")).await;
    assert!(page.body.contains("Refunded"), "{}", page.body);
    assert!(!page.body.contains("Refund payment"), "{}", page.body);
}

#[actix_web::test]
async fn a_refund_stripe_could_not_take_is_offered_again_and_made_once() {
    let double = StripeDouble::start();
    let app = stripe_shop(&double).await;
    let admin = admin(&app).await;
    let (_, token, location) = place(&app, 1).await;
    let id = order_id(&app, &token);
    assert_eq!(pay_on_stripe(&location).await, 303);
    double.deliver_pending(false).await;
    double.fail_next(&[Fault::Status(500), Fault::Status(500), Fault::Status(500)]);

    let cancel = set_status(&admin, id, "cancelled").await;
    let page = admin.get(&format!("/admin/orders/{id}")).await;

    assert_eq!(cancel.status, StatusCode::SEE_OTHER);
    assert!(page.body.contains("not refunded yet"), "{}", page.body);
    assert!(page.body.contains("Refund payment"), "{}", page.body);
    assert_eq!(states(&app, id), ("cancelled".into(), "paid".into()));
    let refund = admin
        .submit(&format!("/admin/orders/{id}/refund"), &[])
        .await;
    assert_eq!(refund.status, StatusCode::SEE_OTHER);
    assert_eq!(states(&app, id), ("cancelled".into(), "refunded".into()));
    assert_eq!(double.refunds().len(), 1);
}

#[actix_web::test]
async fn stripe_failing_at_checkout_keeps_the_order_and_pay_now_uses_the_same_key() {
    let double = StripeDouble::start();
    let app = stripe_shop(&double).await;
    // One 500 is retried at once under the same key.
    let (_, token, location) = place(&app, 1).await;
    double.fail_next(&[Fault::Status(500)]);
    let (_, second, second_location) = place(&app, 1).await;
    // Three are not: the order is kept, and the receipt offers "Pay now".
    double.fail_next(&[Fault::Status(500), Fault::Status(500), Fault::Status(500)]);
    let (shopper, third, third_location) = place(&app, 1).await;

    assert!(location.contains("/c/pay/"), "{location}");
    assert!(second_location.contains("/c/pay/"), "{second_location}");
    let keys: Vec<_> = double
        .requests()
        .into_iter()
        .filter_map(|request| request.idempotency_key)
        .filter(|key| key.contains(&second))
        .collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(keys.iter().all(|key| *key == keys[0]));
    assert_eq!(third_location, format!("/orders/{third}"));
    let receipt = shopper.get(&third_location).await;
    assert!(receipt.body.contains("Pay now"), "{}", receipt.body);
    let pay = shopper.submit(&format!("/orders/{third}/pay"), &[]).await;
    assert_eq!(pay.status, StatusCode::SEE_OTHER, "{}", pay.body);
    assert!(pay.location().expect("to Stripe").contains("/c/pay/"));
    assert_eq!(double.session_count(), 3, "one session each");
    let _ = token;
}

#[actix_web::test]
async fn a_crash_before_the_session_was_recorded_gets_the_same_session_back() {
    let double = StripeDouble::start();
    let app = stripe_shop(&double).await;
    let (shopper, token, location) = place(&app, 1).await;
    // As if the server died between Stripe's answer and the update recording it.
    app.execute("UPDATE orders SET stripe_session_id = NULL");

    shopper.get(&format!("/orders/{token}")).await;
    let pay = shopper.submit(&format!("/orders/{token}/pay"), &[]).await;

    assert_eq!(pay.status, StatusCode::SEE_OTHER, "{}", pay.body);
    assert_eq!(
        pay.location(),
        Some(location.as_str()),
        "the same session, replayed"
    );
    assert_eq!(double.session_count(), 1);
}

#[actix_web::test]
async fn back_and_resubmit_after_going_to_stripe_makes_no_second_order_or_session() {
    let double = StripeDouble::start();
    let app = stripe_shop(&double).await;
    let (shopper, token, _) = place(&app, 1).await;

    let again = shopper.place_order(&token).await;

    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(again.location(), Some(format!("/orders/{token}").as_str()));
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM orders"), 1);
    assert_eq!(double.session_count(), 1);
}

#[actix_web::test]
async fn pay_now_after_an_abandoned_session_expired_opens_a_new_one_and_the_old_expiry_changes_nothing(
) {
    let double = StripeDouble::start();
    let app = spawn_app_with(|settings| {
        stripe_settings(settings, &double);
        // A day to pay: a session (at most 24 hours) can expire before the order does.
        settings.payments.deadline = Duration::from_secs(7 * 86_400);
    })
    .await;
    double.deliver_to(&format!("{}/payments/stripe/webhook", app.address));
    let (shopper, token, location) = place(&app, 1).await;
    let id = order_id(&app, &token);
    // Abandoned: the session expires; its event has not come yet.
    assert!(double.expire(&session_of(&location)));

    shopper.get(&format!("/orders/{token}")).await;
    let pay = shopper.submit(&format!("/orders/{token}/pay"), &[]).await;
    let delivered = double.deliver_pending(false).await;

    let next = pay.location().expect("to Stripe").to_owned();
    assert_ne!(next, location, "a new session");
    let key = format!("trolley-order-{token}-checkout-1");
    assert!(double
        .requests()
        .iter()
        .any(|r| r.idempotency_key.as_deref() == Some(key.as_str())));
    assert_eq!(delivered[0].status, Some(200));
    assert_eq!(
        states(&app, id),
        ("placed".into(), "awaiting".into()),
        "the old expiry is not the order's"
    );
    assert_eq!(pay_on_stripe(&next).await, 303);
    double.deliver_pending(false).await;
    assert_eq!(states(&app, id), ("placed".into(), "paid".into()));
}
