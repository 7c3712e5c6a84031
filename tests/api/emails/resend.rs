//! A failed email does not go unnoticed: the admin header counts it, the order's page
//! lists the order's emails with what went wrong in plain words, and Resend queues it
//! again, once however often it is clicked.

use std::time::Duration;

use actix_web::http::StatusCode;

use super::{eventually, free_port, send_to, SmtpSink};
use crate::api::admin_orders::{admin, buy};
use crate::common::{assert_redirect_to, spawn_app, spawn_app_with, TestApp, MUG};

const HEADER_COUNT: &str =
    "Emails<span class=\"visually-hidden\">,</span> <span class=\"nav-count\">1 failed</span>";

async fn failed_once(app: &TestApp) {
    eventually("the email marked failed", Duration::from_secs(20), || {
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'failed'") == 1
    })
    .await;
}

#[actix_web::test]
async fn a_failed_email_is_counted_in_the_header_and_explained_on_its_orders_page() {
    // Nothing listens on the port: every attempt is refused a connection.
    let port = free_port();
    let app = spawn_app_with(|settings| send_to(settings, port, 1)).await;
    let admin = admin(&app).await;
    let before = admin.get("/admin/orders").await;
    let order = buy(&app, MUG, 1, "Ada Lovelace", "ada@example.com").await;
    failed_once(&app).await;
    let email = app.scalar("SELECT id AS n FROM outbox");

    let list = admin.get("/admin/orders").await;
    let detail = admin.get(&format!("/admin/orders/{}", order.id)).await;
    let outbox = admin.get("/admin/emails").await;
    let missing = admin.get("/admin/orders/999").await;
    let long = "x".repeat(101);
    let refused = admin
        .submit(
            &format!("/admin/orders/{}/status", order.id),
            &[("status", "shipped"), ("carrier", &long)],
        )
        .await;

    assert!(!before.body.contains("nav-count"), "{}", before.body);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for page in [&list, &detail, &outbox, &missing, &refused] {
        assert!(page.body.contains(HEADER_COUNT), "{}", page.body);
    }
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    for page in [&detail, &outbox] {
        let body = &page.body;
        assert!(body.contains("status-email-failed"), "{body}");
        assert!(
            body.contains(
                "The shop could not reach its mail server: nothing answered at its address. \
                 Check TROLLEY_SMTP_URL and that the mail server is running. Trolley has \
                 stopped trying: resend it once that is fixed."
            ),
            "{body}"
        );
        assert!(body.contains("<summary>Technical detail</summary>"));
        assert!(
            body.contains("Connection refused"),
            "the stored error beside it"
        );
        assert!(body.contains(&format!("action=\"/admin/emails/{email}/resend\"")));
        assert!(body.contains("name=\"resends\" value=\"0\""));
    }
    let body = &detail.body;
    assert!(body.contains("Emails to the customer"));
    assert!(body.contains(">Order placed</th>"), "{body}");
    assert!(body.contains("ada@example.com"));
    assert!(body.contains(&format!(
        "name=\"next\" value=\"&#x2F;admin&#x2F;orders&#x2F;{}\"",
        order.id
    )));
}

#[actix_web::test]
async fn resending_a_failed_email_delivers_it_once_even_when_clicked_twice() {
    let port = free_port();
    let app = spawn_app_with(|settings| send_to(settings, port, 1)).await;
    let admin = admin(&app).await;
    let order = buy(&app, MUG, 1, "Ada Lovelace", "ada@example.com").await;
    failed_once(&app).await;
    let email = app.scalar("SELECT id AS n FROM outbox");
    // The mail server is up now.
    let Some(sink) = SmtpSink::start(port, false) else {
        return;
    };

    let back = format!("/admin/orders/{}", order.id);
    let fields = [("resends", "0"), ("next", back.as_str())];
    let path = format!("/admin/emails/{email}/resend");
    let first = admin.submit(&path, &fields).await;
    let first_message = admin.get(&back).await;
    let second = admin.submit(&path, &fields).await;

    assert_redirect_to(&first, &back);
    assert_redirect_to(&second, &back);
    let received = sink.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(received.len(), 1, "one email for two clicks: {received:#?}");
    assert_eq!(received[0].message_id, "<order-T000001-placed.1@localhost>");
    assert!(
        first_message
            .body
            .contains("is queued again: it goes out in a moment."),
        "{}",
        first_message.body
    );
    let second_message = admin.get(&back).await;
    assert!(
        second_message
            .body
            .contains("is queued already: it goes out once.")
            || second_message
                .body
                .contains("was queued again after that page was shown"),
        "{}",
        second_message.body
    );
    eventually("the email marked sent", Duration::from_secs(5), || {
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent' AND resends = 1") == 1
    })
    .await;
    let page = admin.get(&back).await;
    assert!(!page.body.contains("nav-count"), "nothing failed now");
    assert!(page.body.contains("resent 1 time<"), "{}", page.body);
}

#[actix_web::test]
async fn a_sent_email_is_sent_again_as_one_copy_per_resend() {
    let port = free_port();
    let Some(sink) = SmtpSink::start(port, false) else {
        return;
    };
    let app = spawn_app_with(|settings| send_to(settings, port, 5)).await;
    let admin = admin(&app).await;
    let order = buy(&app, MUG, 1, "Ada Lovelace", "ada@example.com").await;
    sink.wait_for(1, Duration::from_secs(20)).await;
    eventually("the email marked sent", Duration::from_secs(5), || {
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent'") == 1
    })
    .await;
    let page = admin.get(&format!("/admin/orders/{}", order.id)).await;
    assert!(page.body.contains("status-email-sent"), "{}", page.body);
    assert!(page.body.contains(">Resend<span class=\"visually-hidden\"> the placed email to ada@example.com</span></button>"));
    let email = app.scalar("SELECT id AS n FROM outbox");
    let path = format!("/admin/emails/{email}/resend");

    admin.submit(&path, &[("resends", "0")]).await;
    let copy = sink.wait_for(2, Duration::from_secs(20)).await;
    eventually("the copy marked sent", Duration::from_secs(5), || {
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent' AND resends = 1") == 1
    })
    .await;
    let stale = admin.submit(&path, &[("resends", "0")]).await;
    let again = admin.submit(&path, &[("resends", "1")]).await;
    let received = sink.wait_for(3, Duration::from_secs(20)).await;

    assert_eq!(copy[1].message_id, "<order-T000001-placed.1@localhost>");
    assert_redirect_to(&stale, "/admin/emails");
    assert_redirect_to(&again, "/admin/emails");
    assert_eq!(
        received.len(),
        3,
        "the stale form sent nothing: {received:#?}"
    );
    assert_eq!(received[2].message_id, "<order-T000001-placed.2@localhost>");
    assert_eq!(received[2].subject, "Your Trolley order T000001 is placed");
}

#[actix_web::test]
async fn resend_takes_its_count_and_an_unknown_email_is_404() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    buy(&app, MUG, 1, "Ada Lovelace", "ada@example.com").await;
    app.execute("UPDATE outbox SET state = 'failed', attempts = 8, last_error = 'refused'");

    let no_count = admin.submit("/admin/emails/1/resend", &[]).await;
    let bad_count = admin
        .submit("/admin/emails/1/resend", &[("resends", "-1")])
        .await;
    let unknown = admin
        .submit("/admin/emails/999/resend", &[("resends", "0")])
        .await;
    let elsewhere = admin
        .submit(
            "/admin/emails/1/resend",
            &[("resends", "0"), ("next", "https://evil.example/")],
        )
        .await;

    assert_eq!(no_count.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_count.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_redirect_to(&elsewhere, "/admin/emails");
    let page = admin.get("/admin/emails").await;
    assert!(
        page.body
            .contains("no SMTP server is configured, so it waits in the outbox"),
        "{}",
        page.body
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'queued' AND attempts = 0 AND resends = 1"),
        1
    );
}
