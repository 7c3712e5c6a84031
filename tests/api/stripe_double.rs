//! The Stripe test double checked against Stripe's documented shapes (not against
//! Trolley): sessions, idempotency, faults, the hosted page, refunds, and webhooks signed
//! as Stripe documents, which Trolley's own check of signatures accepts.

use std::collections::VecDeque;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use serde_json::Value;

use crate::stripe_double::{Fault, StripeDouble, SECRET_KEY, WEBHOOK_SECRET};

/// A form as Stripe's API takes it for a one-line Checkout Session of £19.00.
const SESSION_FORM: &[(&str, &str)] = &[
    ("mode", "payment"),
    (
        "success_url",
        "https://shop.example/return?session_id={CHECKOUT_SESSION_ID}",
    ),
    ("cancel_url", "https://shop.example/orders/abc"),
    ("client_reference_id", "T000001"),
    ("metadata[order_token]", "abc"),
    ("line_items[0][price_data][currency]", "gbp"),
    ("line_items[0][price_data][unit_amount]", "950"),
    (
        "line_items[0][price_data][product_data][name]",
        "Enamel Camping Mug",
    ),
    ("line_items[0][quantity]", "2"),
];

/// POSTs `form` to the double's `path` with the secret key and an optional idempotency key;
/// the status and JSON body, or `None` if no answer came within `timeout`.
async fn post(
    double: &StripeDouble,
    path: &str,
    form: &[(&str, &str)],
    key: Option<&str>,
    timeout: Duration,
) -> Option<(u16, Value, bool)> {
    let mut request = awc::Client::new()
        .post(format!("{}{path}", double.base))
        .timeout(timeout)
        .insert_header(("Authorization", format!("Bearer {SECRET_KEY}")));
    if let Some(key) = key {
        request = request.insert_header(("Idempotency-Key", key));
    }
    let mut response = request.send_form(&form).await.ok()?;
    let replayed = response.headers().contains_key("Idempotent-Replayed");
    let body = response.body().await.ok()?;
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    Some((response.status().as_u16(), json, replayed))
}

async fn create(double: &StripeDouble, key: Option<&str>) -> (u16, Value, bool) {
    post(
        double,
        "/v1/checkout/sessions",
        SESSION_FORM,
        key,
        Duration::from_secs(5),
    )
    .await
    .expect("an answer")
}

#[actix_web::test]
async fn the_double_creates_and_shows_checkout_sessions_as_stripe_documents() {
    let double = StripeDouble::start();

    let (status, session, _) = create(&double, None).await;

    assert_eq!(status, 200, "{session}");
    let id = session["id"].as_str().expect("an id");
    assert!(id.starts_with("cs_test_"), "{id}");
    assert_eq!(session["object"], "checkout.session");
    assert_eq!(session["amount_total"], 1900);
    assert_eq!(session["currency"], "gbp");
    assert_eq!(
        (&session["status"], &session["payment_status"]),
        (&"open".into(), &"unpaid".into())
    );
    assert_eq!(session["client_reference_id"], "T000001");
    assert_eq!(session["metadata"]["order_token"], "abc");
    assert_eq!(session["url"], format!("{}/c/pay/{id}", double.base));
    assert!(session["expires_at"].as_i64().is_some());
    let shown = awc::Client::new()
        .get(format!("{}/v1/checkout/sessions/{id}", double.base))
        .insert_header(("Authorization", format!("Bearer {SECRET_KEY}")))
        .send()
        .await
        .expect("an answer")
        .json::<Value>()
        .await
        .expect("JSON");
    assert_eq!(shown, session);
    let mut unknown = awc::Client::new()
        .get(format!("{}/v1/checkout/sessions/cs_test_nope", double.base))
        .insert_header(("Authorization", format!("Bearer {SECRET_KEY}")))
        .send()
        .await
        .expect("an answer");
    assert_eq!(unknown.status().as_u16(), 404);
    let error = unknown.json::<Value>().await.expect("JSON");
    assert_eq!(error["error"]["type"], "invalid_request_error");
    assert_eq!(error["error"]["code"], "resource_missing");
    let stranger = awc::Client::new()
        .post(format!("{}/v1/checkout/sessions", double.base))
        .insert_header(("Authorization", "Bearer sk_test_wrong"))
        .send_form(&SESSION_FORM)
        .await
        .expect("an answer");
    assert_eq!(stranger.status().as_u16(), 401);
    let (status, error, _) = post(
        &double,
        "/v1/checkout/sessions",
        &[("mode", "payment")],
        None,
        Duration::from_secs(5),
    )
    .await
    .expect("an answer");
    assert_eq!(
        (status, &error["error"]["code"]),
        (400, &"parameter_missing".into())
    );
}

#[actix_web::test]
async fn an_idempotency_key_replays_the_first_answer_and_refuses_other_parameters() {
    let double = StripeDouble::start();

    let (_, first, replayed_first) = create(&double, Some("order-abc")).await;
    let (status, again, replayed) = create(&double, Some("order-abc")).await;
    let other = post(
        &double,
        "/v1/checkout/sessions",
        &SESSION_FORM[..8],
        Some("order-abc"),
        Duration::from_secs(5),
    )
    .await
    .expect("an answer");

    assert!(!replayed_first);
    assert_eq!((status, replayed), (200, true));
    assert_eq!(again, first, "the same session");
    assert_eq!(other.0, 400);
    assert_eq!(other.1["error"]["type"], "idempotency_error");
    assert_eq!(double.state().sessions.len(), 1);
}

#[actix_web::test]
async fn injected_faults_answer_402_500_or_hang_and_save_nothing() {
    let double = StripeDouble::start();
    double.fail_next(&[
        Fault::Status(402),
        Fault::Status(500),
        Fault::Hang(Duration::from_secs(3)),
    ]);

    let (declined, body, _) = create(&double, Some("k1")).await;
    assert_eq!(
        (declined, &body["error"]["type"]),
        (402, &"card_error".into())
    );
    let (failed, body, _) = create(&double, Some("k1")).await;
    assert_eq!((failed, &body["error"]["type"]), (500, &"api_error".into()));
    let hung = post(
        &double,
        "/v1/checkout/sessions",
        SESSION_FORM,
        Some("k1"),
        Duration::from_millis(500),
    )
    .await;
    assert!(hung.is_none(), "no answer within the caller's timeout");
    let (status, _, replayed) = create(&double, Some("k1")).await;

    assert_eq!((status, replayed), (200, false), "the faults saved nothing");
    assert_eq!(double.state().sessions.len(), 1);
    let keys: Vec<Option<String>> = double
        .requests()
        .into_iter()
        .map(|r| r.idempotency_key)
        .collect();
    assert_eq!(keys, vec![Some("k1".to_owned()); 4]);
}

/// A webhook endpoint for the double to deliver to: it records what came and answers with
/// the statuses it is given, then 200.
struct Endpoint {
    url: String,
    received: Arc<Mutex<Vec<(String, String)>>>,
}

fn endpoint(statuses: &[u16]) -> Endpoint {
    let received = Arc::new(Mutex::new(Vec::new()));
    let answers = Arc::new(Mutex::new(
        statuses.iter().copied().collect::<VecDeque<u16>>(),
    ));
    let (kept, script) = (Arc::clone(&received), answers);
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!(
        "http://127.0.0.1:{}/webhook",
        listener.local_addr().expect("addr").port()
    );
    let server = HttpServer::new(move || {
        let (kept, script) = (Arc::clone(&kept), Arc::clone(&script));
        App::new().route(
            "/webhook",
            web::post().to(move |req: HttpRequest, body: web::Bytes| {
                let (kept, script) = (Arc::clone(&kept), Arc::clone(&script));
                async move {
                    let header = req
                        .headers()
                        .get("Stripe-Signature")
                        .and_then(|h| h.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    kept.lock()
                        .expect("kept")
                        .push((header, String::from_utf8_lossy(&body).into_owned()));
                    let status = script.lock().expect("script").pop_front().unwrap_or(200);
                    HttpResponse::build(
                        actix_web::http::StatusCode::from_u16(status).expect("a status"),
                    )
                    .finish()
                }
            }),
        )
    })
    .workers(1)
    .listen(listener)
    .expect("listen")
    .run();
    actix_web::rt::spawn(server);
    Endpoint { url, received }
}

#[actix_web::test]
async fn the_hosted_page_pays_or_declines_and_each_event_is_delivered_signed_until_taken() {
    let double = StripeDouble::start();
    let hook = endpoint(&[500]);
    double.deliver_to(&hook.url);
    let (_, session, _) = create(&double, None).await;
    let id = session["id"].as_str().expect("id").to_owned();
    let client = awc::Client::builder().disable_redirects().finish();

    let mut page = client
        .get(format!("{}/c/pay/{id}", double.base))
        .send()
        .await
        .expect("page");
    let html = String::from_utf8_lossy(&page.body().await.expect("body")).into_owned();
    assert!(
        html.contains(">Pay</button>") && html.contains(">Decline</button>"),
        "{html}"
    );
    assert!(html.contains("£19.00"));
    let declined = client
        .post(format!("{}/c/pay/{id}/decline", double.base))
        .send()
        .await
        .expect("decline");
    assert_eq!(declined.status().as_u16(), 402);
    assert_eq!(
        double.session(&id).expect("session")["status"],
        "open",
        "a decline leaves it open"
    );
    assert!(double.events().is_empty());
    let paid = client
        .post(format!("{}/c/pay/{id}/pay", double.base))
        .send()
        .await
        .expect("pay");
    assert_eq!(paid.status().as_u16(), 303);
    let location = paid
        .headers()
        .get("Location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default();
    assert_eq!(
        location,
        format!("https://shop.example/return?session_id={id}")
    );
    let session = double.session(&id).expect("session");
    assert_eq!(
        (&session["status"], &session["payment_status"]),
        (&"complete".into(), &"paid".into())
    );
    assert!(session["payment_intent"]
        .as_str()
        .is_some_and(|pi| pi.starts_with("pi_")));
    let again = client
        .post(format!("{}/c/pay/{id}/pay", double.base))
        .send()
        .await
        .expect("pay again");
    assert_eq!(again.status().as_u16(), 409, "paid once");

    // The endpoint answers 500 first: the event stays pending and goes again.
    let first = double.deliver_pending(false).await;
    assert_eq!(first[0].status, Some(500));
    let second = double.deliver_pending(false).await;
    assert_eq!(second[0].status, Some(200));
    assert!(
        double.deliver_pending(false).await.is_empty(),
        "taken: nothing pending"
    );
    let duplicate = double.deliver(&first[0].event_id).await;
    assert_eq!(duplicate.status, Some(200));

    let received = hook.received.lock().expect("received").clone();
    assert_eq!(received.len(), 3);
    assert!(
        received.iter().all(|(_, body)| *body == received[0].1),
        "the same event each time"
    );
    let event: Value = serde_json::from_str(&received[0].1).expect("JSON");
    assert_eq!(event["object"], "event");
    assert_eq!(event["type"], "checkout.session.completed");
    assert_eq!(event["data"]["object"]["id"], id.as_str());
    let now = chrono::Utc::now().timestamp();
    for (header, body) in &received {
        assert!(
            header.starts_with("t=") && header.contains(",v1="),
            "{header}"
        );
        trolley::stripe::verify(Some(header), body.as_bytes(), WEBHOOK_SECRET, now)
            .expect("signed as Stripe documents");
        assert!(
            trolley::stripe::verify(Some(header), body.as_bytes(), "whsec_other", now).is_err()
        );
    }
}

#[actix_web::test]
async fn expiries_can_arrive_out_of_order_and_a_payment_is_refunded_once() {
    let double = StripeDouble::start();
    let hook = endpoint(&[]);
    double.deliver_to(&hook.url);
    let (_, paid, _) = create(&double, None).await;
    let (_, lapsed, _) = create(&double, None).await;
    let paid_id = paid["id"].as_str().expect("id");
    let lapsed_id = lapsed["id"].as_str().expect("id");
    awc::Client::builder()
        .disable_redirects()
        .finish()
        .post(format!("{}/c/pay/{paid_id}/pay", double.base))
        .send()
        .await
        .expect("pay");
    assert!(double.expire(lapsed_id));
    assert!(!double.expire(paid_id), "only an open session expires");

    let delivered = double.deliver_pending(true).await;

    let kinds: Vec<String> = hook
        .received
        .lock()
        .expect("received")
        .iter()
        .map(|(_, body)| {
            serde_json::from_str::<Value>(body).expect("JSON")["type"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        kinds,
        ["checkout.session.expired", "checkout.session.completed"],
        "{delivered:?}"
    );

    let intent = double.session(paid_id).expect("session")["payment_intent"]
        .as_str()
        .expect("pi")
        .to_owned();
    let form = [("payment_intent", intent.as_str())];
    let (status, refund, _) = post(
        &double,
        "/v1/refunds",
        &form,
        Some("refund-1"),
        Duration::from_secs(5),
    )
    .await
    .expect("answer");
    assert_eq!(status, 200);
    assert_eq!(
        (&refund["object"], &refund["amount"], &refund["status"]),
        (&"refund".into(), &1900.into(), &"succeeded".into())
    );
    let (_, replayed, was_replayed) = post(
        &double,
        "/v1/refunds",
        &form,
        Some("refund-1"),
        Duration::from_secs(5),
    )
    .await
    .expect("answer");
    assert_eq!((replayed, was_replayed), (refund, true));
    let (status, error, _) = post(
        &double,
        "/v1/refunds",
        &form,
        Some("refund-2"),
        Duration::from_secs(5),
    )
    .await
    .expect("answer");
    assert_eq!(
        (status, &error["error"]["code"]),
        (400, &"charge_already_refunded".into())
    );
    assert_eq!(double.refunds().len(), 1);
}
