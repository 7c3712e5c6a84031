//! Trolley's Stripe client against the Stripe test double: the documented request shapes,
//! one idempotency key through every retry, timeouts, and refusals not retried.

use std::time::Duration;

use trolley::config::StripeSettings;
use trolley::stripe::{StripeClient, StripeError};

use crate::stripe_double::{Fault, StripeDouble, SECRET_KEY};

fn client(double: &StripeDouble) -> StripeClient {
    let settings = StripeSettings {
        secret_key: SECRET_KEY.into(),
        webhook_secret: double.webhook_secret.clone(),
        api_base: double.base.clone(),
    };
    let mut client = StripeClient::new(&settings).expect("a usable base");
    client.timeout = Duration::from_millis(800);
    client.backoff = Duration::from_millis(20);
    client
}

fn session_form() -> Vec<(String, String)> {
    [
        ("mode", "payment"),
        (
            "success_url",
            "http://shop.test/return?session_id={CHECKOUT_SESSION_ID}",
        ),
        ("line_items[0][price_data][currency]", "gbp"),
        ("line_items[0][price_data][unit_amount]", "3200"),
        (
            "line_items[0][price_data][product_data][name]",
            "Stoneware Teapot",
        ),
        ("line_items[0][quantity]", "1"),
    ]
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .to_vec()
}

#[actix_web::test]
async fn a_session_is_created_once_through_500s_and_timeouts_with_one_idempotency_key() {
    let double = StripeDouble::start();
    double.fail_next(&[Fault::Status(500), Fault::Hang(Duration::from_secs(2))]);
    let client = client(&double);

    let session = client
        .post(
            "/v1/checkout/sessions",
            &session_form(),
            "checkout-order-abc",
        )
        .await
        .expect("created on the third attempt");

    assert_eq!(session["object"], "checkout.session");
    assert_eq!(session["amount_total"], 3200);
    let requests = double.requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert!(requests
        .iter()
        .all(|r| r.idempotency_key.as_deref() == Some("checkout-order-abc")));
    assert_eq!(double.state().sessions.len(), 1, "one session");
    let id = session["id"].as_str().expect("an id");
    let shown = client
        .get(&format!("/v1/checkout/sessions/{id}"))
        .await
        .expect("shown");
    assert_eq!(shown, session);
}

#[actix_web::test]
async fn a_refusal_is_not_retried_and_a_silent_stripe_is_given_up_on() {
    let double = StripeDouble::start();
    let client = client(&double);

    double.fail_next(&[Fault::Status(402)]);
    let declined = client
        .post("/v1/checkout/sessions", &session_form(), "k-402")
        .await;
    let unknown = client.get("/v1/checkout/sessions/cs_test_nope").await;
    double.fail_next(&[Fault::Status(500), Fault::Status(503), Fault::Status(500)]);
    let down = client
        .post("/v1/checkout/sessions", &session_form(), "k-down")
        .await;

    assert!(matches!(
        declined,
        Err(StripeError::Refused { status: 402, ref code, .. }) if code == "card_declined"
    ));
    assert!(matches!(
        unknown,
        Err(StripeError::Refused { status: 404, ref code, .. }) if code == "resource_missing"
    ));
    assert!(
        matches!(down, Err(StripeError::Unavailable { attempts: 3, .. })),
        "{down:?}"
    );
    assert_eq!(
        double.requests().len(),
        5,
        "the 402 once, the 404 once, three for the 500s"
    );
    assert!(double.state().sessions.is_empty());
    let printed = format!("{client:?} {down:?} {declined:?}");
    assert!(!printed.contains(SECRET_KEY), "{printed}");
}

#[actix_web::test]
async fn a_refund_asked_twice_with_one_key_is_one_refund() {
    let double = StripeDouble::start();
    let client = client(&double);
    let session = client
        .post("/v1/checkout/sessions", &session_form(), "k-session")
        .await
        .expect("created");
    let id = session["id"].as_str().expect("id");
    awc::Client::builder()
        .disable_redirects()
        .finish()
        .post(format!("{}/c/pay/{id}/pay", double.base))
        .send()
        .await
        .expect("paid on the hosted page");
    let intent = double.session(id).expect("session")["payment_intent"]
        .as_str()
        .expect("a payment intent")
        .to_owned();
    let form = vec![("payment_intent".to_owned(), intent)];

    let first = client.post("/v1/refunds", &form, "refund-order-abc").await;
    double.fail_next(&[Fault::Status(500)]);
    let again = client.post("/v1/refunds", &form, "refund-order-abc").await;

    let first = first.expect("refunded");
    assert_eq!(first["object"], "refund");
    assert_eq!(again.expect("the same refund"), first);
    assert_eq!(double.refunds().len(), 1);
}
