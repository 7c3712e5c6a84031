//! Shipping asks first: GET /admin/orders/{id}/ship takes an optional carrier and
//! tracking number, and its form makes the same POST /admin/orders/{id}/status as ever;
//! they reach the receipt, the shipped email and the order page.

use std::time::Duration;

use actix_web::http::StatusCode;

use super::{admin, buy, set_status};
use crate::api::emails::{free_port, send_to, SmtpSink};
use crate::common::{assert_redirect_to, spawn_app, spawn_app_with, TestApp, MUG, TEAPOT};

const SHIPPED_LINE: &str = "Shipped with Royal Mail · tracking number AB123456789GB";

fn shipped_count(app: &TestApp, id: i64) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM orders WHERE id = {id} AND status = 'shipped'"
    ))
}

#[actix_web::test]
async fn mark_shipped_leads_to_a_page_that_asks_first_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let order = buy(&app, TEAPOT, 2, "Grace Hopper", "grace@example.com").await;
    let id = order.id;

    let detail = admin.get(&format!("/admin/orders/{id}")).await;
    let ship = admin.get(&format!("/admin/orders/{id}/ship")).await;

    assert!(detail.body.contains(&format!(
        "href=\"/admin/orders/{id}/ship\">Mark shipped…</a>"
    )));
    assert!(
        !detail.body.contains("name=\"status\" value=\"shipped\""),
        "no one-tap shipping"
    );
    assert_eq!(ship.status, StatusCode::OK);
    assert_eq!(ship.header("cache-control"), Some("no-store"));
    assert!(
        ship.body.contains("<title>Ship order T0000"),
        "{}",
        ship.body
    );
    assert!(ship.body.contains("Grace Hopper"));
    assert!(ship.body.contains("2 × Stoneware Teapot"));
    assert!(ship.body.contains("SW1A 1AA"));
    assert!(ship
        .body
        .contains(&format!("action=\"/admin/orders/{id}/status\"")));
    assert!(ship.body.contains("name=\"status\" value=\"shipped\""));
    assert!(ship.body.contains("name=\"carrier\""));
    assert!(ship.body.contains("name=\"tracking_number\""));
    assert!(ship
        .body
        .contains(">Mark shipped and email the customer</button>"));
    assert!(ship.body.contains("Trolley admin"), "the admin header");
    assert_eq!(shipped_count(&app, id), 0, "asking changes nothing");
    assert_eq!(app.count("outbox"), 1, "only the placed email");
}

#[actix_web::test]
async fn a_carrier_and_tracking_number_reach_the_email_the_receipt_and_the_order_page() {
    let port = free_port();
    let Some(sink) = SmtpSink::start(port, false) else {
        return;
    };
    let app = spawn_app_with(|settings| send_to(settings, port, 5)).await;
    let admin = admin(&app).await;
    let order = buy(&app, MUG, 1, "Ada Lovelace", "ada@example.com").await;

    let shipped = set_status(
        &admin,
        order.id,
        &[
            ("status", "shipped"),
            ("carrier", "  Royal Mail "),
            ("tracking_number", "AB123456789GB"),
        ],
    )
    .await;

    assert_redirect_to(&shipped, &format!("/admin/orders/{}", order.id));
    let received = sink.wait_for(2, Duration::from_secs(20)).await;
    let email = received
        .iter()
        .find(|m| m.subject.contains("has shipped"))
        .expect("the shipped email");
    let text = email
        .text
        .as_deref()
        .expect("a plain-text body")
        .replace("\r\n", "\n");
    let html = email.html.as_deref().expect("an HTML body");
    assert!(
        text.contains(
            "address below.\n\nCarrier: Royal Mail\nTracking number: AB123456789GB\n\n1 x Enamel"
        ),
        "{text}"
    );
    assert!(
        html.contains("Carrier: <strong>Royal Mail</strong>"),
        "{html}"
    );
    assert!(
        html.contains("Tracking number: <strong>AB123456789GB</strong>"),
        "{html}"
    );
    let placed = received
        .iter()
        .find(|m| m.subject.contains("is placed"))
        .expect("the placed email");
    assert!(!placed
        .text
        .as_deref()
        .unwrap_or_default()
        .contains("Carrier"));

    let receipt = app.browser().get(&order.receipt).await;
    assert!(receipt.body.contains(SHIPPED_LINE), "{}", receipt.body);
    let page = admin.get(&format!("/admin/orders/{}", order.id)).await;
    assert!(page.body.contains(SHIPPED_LINE), "{}", page.body);
    assert!(
        page.body
            .contains("is marked shipped; the customer&#x27;s email is queued"),
        "{}",
        page.body
    );
}

#[actix_web::test]
async fn a_post_with_only_the_status_still_ships_and_claims_no_tracking() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let order = buy(&app, MUG, 1, "Ada Lovelace", "ada@example.com").await;

    let shipped = set_status(&admin, order.id, &[("status", "shipped")]).await;

    assert_redirect_to(&shipped, &format!("/admin/orders/{}", order.id));
    assert_eq!(shipped_count(&app, order.id), 1);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) AS n FROM orders WHERE carrier IS NULL AND tracking_number IS NULL"
        ),
        1
    );
    let receipt = app.browser().get(&order.receipt).await;
    assert!(receipt.body.contains("and has shipped"), "{}", receipt.body);
    assert!(!receipt.body.contains("Shipped with"));
    assert!(!receipt.body.contains("tracking number"));
    // Empty fields are as good as none; a tracking number alone is shown alone.
    let second = buy(&app, MUG, 1, "Ada Lovelace", "ada@example.com").await;
    let fields = [
        ("status", "shipped"),
        ("carrier", " "),
        ("tracking_number", "JD0001"),
    ];
    assert_redirect_to(
        &set_status(&admin, second.id, &fields).await,
        &format!("/admin/orders/{}", second.id),
    );
    let receipt = app.browser().get(&second.receipt).await;
    assert!(
        receipt
            .body
            .contains(">Shipped · tracking number JD0001</p>"),
        "{}",
        receipt.body
    );
}

#[actix_web::test]
async fn a_tracking_field_too_long_or_on_two_lines_is_422_with_the_page_again_and_nothing_changed()
{
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let order = buy(&app, MUG, 1, "Ada Lovelace", "ada@example.com").await;
    let long = "R".repeat(101);

    let refused = set_status(
        &admin,
        order.id,
        &[
            ("status", "shipped"),
            ("carrier", &long),
            ("tracking_number", "AB1\tCD"),
        ],
    )
    .await;

    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("<title>Error: Ship order T0000"),
        "{}",
        refused.body
    );
    let summary = refused
        .body
        .find("class=\"error-summary\"")
        .expect("an error summary");
    let heading = refused.body.find("<h1>").expect("a heading");
    assert!(summary < heading, "the summary comes first");
    assert!(refused.body.contains("tabindex=\"-1\" autofocus"));
    assert!(refused
        .body
        .contains("The carrier can be at most 100 characters."));
    assert!(refused.body.contains("<a href=\"#carrier\">"));
    assert!(refused
        .body
        .contains("The tracking number must be one line"));
    assert!(
        refused.body.contains(&format!("value=\"{long}\"")),
        "the typed values kept"
    );
    assert!(refused.body.contains("value=\"AB1\tCD\""));
    assert!(refused.body.contains("aria-invalid=\"true\""));
    assert_eq!(shipped_count(&app, order.id), 0, "nothing changed");
    assert_eq!(app.count("outbox"), 1);
    assert_eq!(app.count("order_events"), 0);

    // A hundred characters are enough.
    let fields = [("status", "shipped"), ("carrier", &long[..100])];
    let shipped = set_status(&admin, order.id, &fields).await;
    assert_redirect_to(&shipped, &format!("/admin/orders/{}", order.id));
    assert_eq!(shipped_count(&app, order.id), 1);
}

#[actix_web::test]
async fn other_changes_stay_409_and_a_shipped_orders_ship_page_says_so() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let order = buy(&app, MUG, 1, "Ada Lovelace", "ada@example.com").await;
    let fields = [("status", "shipped"), ("carrier", "DPD")];
    set_status(&admin, order.id, &fields).await;

    let long = "x".repeat(101);
    for fields in [
        vec![("status", "cancelled")],
        vec![("status", "shipped"), ("carrier", "Royal Mail")],
        vec![("status", "shipped"), ("carrier", long.as_str())],
        vec![("status", "placed")],
    ] {
        let page = set_status(&admin, order.id, &fields).await;
        assert_eq!(
            page.status,
            StatusCode::CONFLICT,
            "{fields:?}: {}",
            page.body
        );
        assert!(
            page.body.contains("only a placed order can be"),
            "{}",
            page.body
        );
    }
    let ship = admin.get(&format!("/admin/orders/{}/ship", order.id)).await;
    assert_eq!(ship.status, StatusCode::CONFLICT);
    assert!(ship
        .body
        .contains("is shipped: only a placed order can be shipped"));
    assert!(ship.body.contains("Trolley admin"), "the admin header");
    assert!(!ship.body.contains("name=\"carrier\""), "no form");
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM orders WHERE carrier = 'DPD'"),
        1,
        "the first shipment stands"
    );
    assert_eq!(app.count("outbox"), 2, "placed and shipped, no more");
    let missing = admin.get("/admin/orders/999/ship").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let unknown = set_status(&admin, 999, &[("status", "shipped")]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}
