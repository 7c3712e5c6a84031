//! Nothing taken twice or lost when something goes wrong: a refund made once however it
//! is asked for, Stripe failing or silent at checkout, a crash before the session was
//! recorded, Back and resubmit, a session abandoned until it expired.

use std::time::Duration;

use actix_web::http::StatusCode;

use super::super::{admin, order_id, set_status, states};
use super::{pay_on_stripe, place, session_of, stripe_settings, stripe_shop};
use crate::common::spawn_app_with;
use crate::stripe_double::{Fault, StripeDouble};

#[actix_web::test]
async fn cancelling_a_paid_order_refunds_it_once() {
    let double = StripeDouble::start();
    let app = stripe_shop(&double).await;
    let admin = admin(&app).await;
    let (_, token, location) = place(&app, 1).await;
    let id = order_id(&app, &token);
    assert_eq!(pay_on_stripe(&location).await, 303);
    let delivered = double.deliver_pending(false).await;

    // The cancel (and its refund) while a duplicate of the payment's webhook comes; then
    // the refund asked for again.
    let (cancel, duplicate) = futures::join!(
        set_status(&admin, id, "cancelled"),
        double.deliver(&delivered[0].event_id)
    );
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

#[actix_web::test]
async fn a_stripe_that_does_not_answer_leaves_the_shopper_on_the_receipt_with_pay_now() {
    let double = StripeDouble::start();
    let app = stripe_shop(&double).await;
    // Longer than the shopper is kept waiting (the client's first two attempts hang).
    let hang = Fault::Hang(Duration::from_secs(30));
    double.fail_next(&[hang, hang]);

    let (shopper, token, location) = place(&app, 1).await;

    assert_eq!(
        location,
        format!("/orders/{token}"),
        "the receipt, not a wait"
    );
    let receipt = shopper.get(&location).await;
    assert!(receipt.body.contains("Pay now"), "{}", receipt.body);
    let pay = shopper.submit(&format!("/orders/{token}/pay"), &[]).await;
    assert_eq!(pay.status, StatusCode::SEE_OTHER, "{}", pay.body);
    assert!(pay.location().expect("to Stripe").contains("/c/pay/"));
    let id = order_id(&app, &token);
    assert_eq!(states(&app, id), ("placed".into(), "awaiting".into()));
}
