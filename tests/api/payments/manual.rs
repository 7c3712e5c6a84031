//! Bank transfers: the receipt and the email say how to pay, an admin records the
//! payment once, and an order ships only once it is paid.

use actix_web::http::StatusCode;

use super::{admin, manual, manual_shop, order_id, record, set_status, states, INSTRUCTIONS};
use crate::api::emails::{free_port, send_to, SmtpSink};
use crate::common::{assert_redirect_to, spawn_app, spawn_app_with, MUG, TEAPOT};

#[actix_web::test]
async fn a_bank_transfer_receipt_shows_the_instructions_and_the_order_number_as_reference() {
    let app = manual_shop().await;
    let token = app.buy(MUG, 2, "Ada Lovelace", "ada@example.com").await;

    let receipt = app.browser().get(&format!("/orders/{token}")).await;

    assert_eq!(receipt.status, StatusCode::OK);
    assert!(
        receipt.body.contains("Awaiting payment"),
        "{}",
        receipt.body
    );
    assert!(receipt.body.contains("Reference: <strong>T000001</strong>"));
    assert!(receipt
        .body
        .contains("Sort code 12-34-56\nAccount 12345678"));
    assert!(receipt
        .body
        .contains("Please pay <strong>£19.00</strong> by bank transfer by "));
    assert!(!receipt.body.contains("Paid:"), "not paid yet");
    let id = order_id(&app, &token);
    assert_eq!(states(&app, id), ("placed".into(), "awaiting".into()));
    let (placed, due) = super::placed_and_due(&app, id);
    assert_eq!(
        due,
        Some(placed + chrono::TimeDelta::days(7)),
        "due a week later"
    );
}

#[actix_web::test]
async fn with_no_payment_step_nothing_about_payment_shows_and_nothing_can_be_recorded() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    let token = app.buy(MUG, 1, "Ada Lovelace", "ada@example.com").await;
    let id = order_id(&app, &token);

    let receipt = app.browser().get(&format!("/orders/{token}")).await;
    let page = admin.get(&format!("/admin/orders/{id}")).await;
    let refused = record(&admin, id, "BANK-1").await;

    for text in ["Awaiting payment", "Paid", "Reference", "bank transfer"] {
        assert!(!receipt.body.contains(text), "{text}: {}", receipt.body);
    }
    assert!(!page.body.contains("Record payment"), "{}", page.body);
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.body.contains("awaits no payment"),
        "{}",
        refused.body
    );
    assert_eq!(states(&app, id), ("placed".into(), "not_required".into()));
    assert_eq!(app.count("payment_events"), 0);
    let shipped = admin
        .submit(
            &format!("/admin/orders/{id}/status"),
            &[("status", "shipped")],
        )
        .await;
    assert_redirect_to(&shipped, &format!("/admin/orders/{id}"));
}

#[actix_web::test]
async fn an_unpaid_order_does_not_ship_and_a_recorded_payment_lets_it() {
    let app = manual_shop().await;
    let admin = admin(&app).await;
    let token = app.buy(TEAPOT, 1, "Ada Lovelace", "ada@example.com").await;
    let id = order_id(&app, &token);
    let ship = || set_status(&admin, id, "shipped");

    let early = ship().await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.body);
    assert!(
        early.body.contains("record its payment before shipping it"),
        "{}",
        early.body
    );
    assert_eq!(states(&app, id), ("placed".into(), "awaiting".into()));

    let page = admin.get(&format!("/admin/orders/{id}")).await;
    assert!(page.body.contains("Awaiting payment"), "{}", page.body);
    assert!(
        page.body.contains(&format!(
            "action=\"&#x2F;admin&#x2F;orders&#x2F;{id}&#x2F;paid\""
        )) || page
            .body
            .contains(&format!("action=\"/admin/orders/{id}/paid\"")),
        "{}",
        page.body
    );

    let recorded = record(&admin, id, "BARCLAYS T000001").await;
    assert_redirect_to(&recorded, &format!("/admin/orders/{id}"));
    let shown = admin.get(&format!("/admin/orders/{id}")).await;
    assert!(
        shown.body.contains("is paid (reference BARCLAYS T000001)"),
        "{}",
        shown.body
    );
    assert!(
        shown.body.contains("payment-reference\">BARCLAYS T000001"),
        "{}",
        shown.body
    );
    assert!(shown
        .body
        .contains("<strong>Paid</strong> (reference BARCLAYS T000001) by admin"));
    assert!(!shown.body.contains("Record payment"));
    let receipt = app.browser().get(&format!("/orders/{token}")).await;
    assert!(receipt
        .body
        .contains("Paid: we have received your payment of £32.00."));
    assert!(!receipt.body.contains("Awaiting payment"));

    let shipped = ship().await;
    assert_redirect_to(&shipped, &format!("/admin/orders/{id}"));
    assert_eq!(states(&app, id), ("shipped".into(), "paid".into()));
}

#[actix_web::test]
async fn a_payment_is_recorded_once_however_often_it_is_posted() {
    let app = manual_shop().await;
    let admin = admin(&app).await;
    let token = app.buy(MUG, 1, "Ada Lovelace", "ada@example.com").await;
    let id = order_id(&app, &token);

    let pages = futures::future::join_all((0..8).map(|i| {
        let admin = admin.clone();
        async move { record(&admin, id, &format!("REF-{i}")).await }
    }))
    .await;

    for page in &pages {
        assert_redirect_to(page, &format!("/admin/orders/{id}"));
    }
    assert_eq!(app.count("payment_events"), 1, "one record of the payment");
    let again = record(&admin, id, "REF-LATE").await;
    assert_redirect_to(&again, &format!("/admin/orders/{id}"));
    let page = admin.get(&format!("/admin/orders/{id}")).await;
    assert!(page.body.contains("was recorded already"), "{}", page.body);
    assert_eq!(app.count("payment_events"), 1);
    assert_eq!(states(&app, id), ("placed".into(), "paid".into()));
}

#[actix_web::test]
async fn a_bad_reference_or_form_records_nothing() {
    let app = manual_shop().await;
    let admin = admin(&app).await;
    let token = app.buy(MUG, 1, "Ada Lovelace", "ada@example.com").await;
    let id = order_id(&app, &token);
    let path = format!("/admin/orders/{id}/paid");

    let missing = admin.submit(&path, &[]).await;
    let blank = record(&admin, id, "   ").await;
    let long = record(&admin, id, &"x".repeat(101)).await;
    let two_lines = record(&admin, id, "REF\nMORE").await;
    let forged = admin.post_form(&path, &[("reference", "REF-1")]).await;
    let unknown = record(&admin, 999_999, "REF-1").await;
    let bad_id = record(&admin, -1, "REF-1").await;
    let stranger = app.browser().submit(&path, &[("reference", "REF-1")]).await;

    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    assert_eq!(
        blank.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        blank.body
    );
    assert_eq!(
        long.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        long.body
    );
    assert!(
        long.body.contains("at most 100 characters"),
        "{}",
        long.body
    );
    assert_eq!(two_lines.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(bad_id.status.is_client_error(), "{}", bad_id.status);
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("payment_events"), 0);
    assert_eq!(states(&app, id), ("placed".into(), "awaiting".into()));
    let exactly = record(&admin, id, &"x".repeat(100)).await;
    assert_redirect_to(&exactly, &format!("/admin/orders/{id}"));
}

#[actix_web::test]
async fn cancelling_an_unpaid_order_expires_its_payment_and_a_paid_one_asks_for_a_refund() {
    let app = manual_shop().await;
    let admin = admin(&app).await;
    let unpaid = order_id(&app, &app.buy(MUG, 3, "Ada", "ada@example.com").await);
    let paid = order_id(&app, &app.buy(MUG, 2, "Bob", "bob@example.com").await);
    record(&admin, paid, "REF-BOB").await;
    let cancel = |id: i64| set_status(&admin, id, "cancelled");

    assert_redirect_to(&cancel(unpaid).await, &format!("/admin/orders/{unpaid}"));
    let page = admin.get(&format!("/admin/orders/{unpaid}")).await;
    assert!(
        page.body.contains("cancelled and its stock put back."),
        "{}",
        page.body
    );
    assert!(page.body.contains("Payment expired"), "{}", page.body);
    assert_redirect_to(&cancel(paid).await, &format!("/admin/orders/{paid}"));
    let page = admin.get(&format!("/admin/orders/{paid}")).await;
    assert!(
        page.body.contains("refund it to the payer"),
        "{}",
        page.body
    );

    assert_eq!(states(&app, unpaid), ("cancelled".into(), "expired".into()));
    assert_eq!(states(&app, paid), ("cancelled".into(), "paid".into()));
    assert_eq!(app.stock_of(MUG), 40, "all stock back");
    let late = record(&admin, unpaid, "REF-LATE").await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
}

#[actix_web::test]
async fn the_orders_list_filters_by_payment_and_the_csv_carries_it() {
    let app = manual_shop().await;
    let admin = admin(&app).await;
    let first = order_id(
        &app,
        &app.buy(MUG, 1, "Ada Unpaid", "ada@example.com").await,
    );
    let second = order_id(&app, &app.buy(MUG, 1, "Bob Payer", "bob@example.com").await);
    record(&admin, second, "REF-BOB").await;

    let paid = admin.get("/admin/orders?payment=paid").await;
    let awaiting = admin.get("/admin/orders?payment=awaiting").await;
    let bad = admin.get("/admin/orders?payment=maybe").await;
    let csv = admin.get("/admin/orders.csv?payment=awaiting").await;

    assert!(paid.body.contains("Bob Payer") && !paid.body.contains("Ada Unpaid"));
    assert!(awaiting.body.contains("Ada Unpaid") && !awaiting.body.contains("Bob Payer"));
    assert!(awaiting
        .body
        .contains("<option value=\"awaiting\" selected>Awaiting payment</option>"));
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let headers = reader.headers().expect("a header row").clone();
    assert_eq!(&headers[3], "payment");
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("CSV");
    assert_eq!(rows.len(), 1, "only the unpaid order");
    assert_eq!(rows[0][0], format!("T{first:06}"));
    assert_eq!(
        (&rows[0][2], &rows[0][3], &rows[0][4]),
        ("placed", "awaiting", "Ada Unpaid")
    );
}

#[actix_web::test]
async fn the_order_email_says_how_to_pay_and_the_paid_order_ships_with_its_email() {
    let port = free_port();
    let Some(sink) = SmtpSink::start(port, false) else {
        return;
    };
    let app = spawn_app_with(|settings| {
        manual(settings);
        send_to(settings, port, 5);
    })
    .await;
    app.buy(MUG, 2, "Ada Lovelace", "ada@example.com").await;

    let received = sink.wait_for(1, std::time::Duration::from_secs(20)).await;

    let text = received[0]
        .text
        .as_deref()
        .expect("a plain-text body")
        .replace("\r\n", "\n");
    assert!(
        text.contains("Please pay £19.00 by bank transfer, using T000001 as the reference:"),
        "{text}"
    );
    assert!(text.contains(INSTRUCTIONS), "{text}");
    assert!(!text.contains("Paid:"), "{text}");
    let html = received[0].html.as_deref().expect("an HTML body");
    assert!(html.contains("How to pay"), "{html}");
}
