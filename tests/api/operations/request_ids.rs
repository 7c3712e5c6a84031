//! `X-Request-Id` on every answer: a sane incoming one kept, anything else replaced.

use std::collections::HashSet;

use actix_web::http::StatusCode;

use crate::common::{spawn_app, Page};

fn new_id(page: &Page) -> String {
    let id = page.header("x-request-id").expect("an X-Request-Id");
    assert_eq!(id.len(), 32, "{id}");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    id.to_owned()
}

#[actix_web::test]
async fn every_answer_carries_its_own_request_id_errors_included() {
    let app = spawn_app().await;
    let shopper = app.browser();
    let answers = [
        (shopper.get("/").await, StatusCode::OK),
        (shopper.get("/static/css/trolley.css").await, StatusCode::OK),
        (shopper.get("/healthz").await, StatusCode::OK),
        (shopper.get("/no/such/page").await, StatusCode::NOT_FOUND),
        (shopper.get("/products/x").await, StatusCode::NOT_FOUND),
        (
            shopper.post_form("/basket/items", &[]).await,
            StatusCode::FORBIDDEN,
        ),
        (shopper.add_to_basket(1, 0).await, StatusCode::BAD_REQUEST),
        (
            shopper.post_form("/healthz", &[]).await,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ];
    let mut ids = HashSet::new();
    for (page, status) in &answers {
        assert_eq!(page.status, *status, "{}", page.body);
        assert!(ids.insert(new_id(page)), "each answer has an id of its own");
    }
}

#[actix_web::test]
async fn a_sane_incoming_request_id_is_kept_and_anything_else_replaced() {
    let app = spawn_app().await;
    let shopper = app.browser();
    let longest = "a".repeat(64);
    for sane in ["req-42", "Trace_ID.7-x", longest.as_str()] {
        let page = shopper.get_with("/", &[("x-request-id", sane)]).await;
        assert_eq!(page.header("x-request-id"), Some(sane));
        let page = shopper
            .get_with("/no/such/page", &[("x-request-id", sane)])
            .await;
        assert_eq!(page.header("x-request-id"), Some(sane), "on a 404 too");
    }
    let too_long = "a".repeat(65);
    for insane in [
        "two words",
        "semi;colon",
        "../../etc/passwd",
        "",
        too_long.as_str(),
    ] {
        let page = shopper.get_with("/", &[("x-request-id", insane)]).await;
        assert_ne!(new_id(&page), insane);
    }
}
