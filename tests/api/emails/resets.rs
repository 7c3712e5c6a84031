//! Password reset emails through the outbox: queued with `outbox::enqueue_reset` (as the
//! accounts code does), delivered to a real SMTP server, and their token forgotten once
//! the email is sent or given up.

use std::time::Duration;

use actix_web::http::StatusCode;
use trolley::db::models::outbox;

use super::events::admin;
use super::{eventually, free_port, send_to, SmtpSink};
use crate::common::{spawn_app, spawn_app_with, TestApp, MUG};

/// A token as the accounts code makes them: URL-safe, and long enough to find anywhere.
const TOKEN: &str = "rst_Zq8Kx-4mWv2Lp9Tn7Yc3Hb6Jd1Fg5Se0";

/// An account, inserted as the accounts code would, with its reset email queued; answers
/// the outbox row's id.
fn queue_reset(app: &TestApp, email: &str) -> i64 {
    app.execute(&format!(
        "INSERT INTO accounts (email, name, password_hash, basket_id, created_at) \
         VALUES ('{email}', 'Ada Lovelace', '$argon2id$unused', 'basket-of-{email}', \
         CURRENT_TIMESTAMP)"
    ));
    let account = app.scalar(&format!(
        "SELECT id AS n FROM accounts WHERE email = '{email}'"
    ));
    let mut conn = app.db.conn().expect("a connection");
    let now = chrono::Utc::now().naive_utc();
    outbox::enqueue_reset(&mut conn, account, email, TOKEN, now).expect("queued");
    app.scalar("SELECT MAX(id) AS n FROM outbox WHERE kind = 'reset'")
}

/// The admin's emails page, and the row of email `id` in it.
fn row_of(page: &str, id: i64) -> &str {
    let start = page
        .find(&format!("id=\"email-{id}\""))
        .expect("the email is listed");
    let end = page[start..]
        .find("</tr>")
        .map_or(page.len(), |end| start + end);
    &page[start..end]
}

#[actix_web::test]
async fn a_reset_email_arrives_with_its_link_and_its_token_is_then_forgotten() {
    let port = free_port();
    let Some(sink) = SmtpSink::start(port, false) else {
        return;
    };
    let app = spawn_app_with(|settings| send_to(settings, port, 5)).await;

    let id = queue_reset(&app, "ada@example.com");

    let received = sink.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(received.len(), 1, "one email: {received:#?}");
    let email = &received[0];
    assert_eq!(email.message_id, format!("<reset-{id}@localhost>"));
    assert_eq!(email.subject, "Reset your Trolley password");
    assert!(email.to.contains("ada@example.com"), "{}", email.to);
    assert!(email.from.contains("shop@localhost"));
    let link = format!("https://shop.example/account/reset/{TOKEN}");
    let text = email.text.as_deref().expect("a plain-text body");
    for expected in [
        "Hello,",
        "Someone asked to reset the password of your Trolley account.",
        "open this link within an hour",
        link.as_str(),
        "The link works once. If it was not you, ignore this email: your password stays as it is.",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    let html = email.html.as_deref().expect("an HTML body");
    assert!(html.replace("&#x2F;", "/").contains(&link), "{html}");

    eventually("the email marked sent", Duration::from_secs(5), || {
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent'") == 1
    })
    .await;
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM outbox WHERE id = {id} AND secret IS NULL"
        )),
        1,
        "the token is not kept once its email is sent"
    );
    let page = admin(&app).await.get("/admin/emails").await;
    assert_eq!(page.status, StatusCode::OK);
    let row = row_of(&page.body, id);
    assert!(row.contains("Reset your Trolley password"), "{row}");
    assert!(row.contains("Account email"), "{row}");
    assert!(row.contains("Sent"), "{row}");
    assert!(!page.body.contains(TOKEN), "{}", page.body);
}

#[actix_web::test]
async fn the_admin_emails_page_lists_a_queued_reset_email_beside_order_emails_without_its_token() {
    let app = spawn_app().await;
    app.buy(MUG, 1, "Charles Babbage", "cb@example.com").await;
    let id = queue_reset(&app, "ada@example.com");
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE secret IS NOT NULL"),
        1,
        "the token waits with its email"
    );

    let page = admin(&app).await.get("/admin/emails").await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(TOKEN), "{}", page.body);
    let reset = row_of(&page.body, id);
    assert!(reset.contains("ada@example.com"), "{reset}");
    assert!(reset.contains("Reset your Trolley password"), "{reset}");
    assert!(reset.contains("Account email"), "{reset}");
    assert!(reset.contains("Queued"), "{reset}");
    assert!(!reset.contains("/admin/orders/"), "no order link: {reset}");
    let order = row_of(&page.body, id - 1);
    assert!(
        order.contains("href=\"/admin/orders/1\""),
        "the order email keeps its link: {order}"
    );
    assert!(order.contains("Your Trolley order T000001 is placed"));
    assert!(!order.contains("Account email"));
}

#[actix_web::test]
async fn a_reset_email_given_up_forgets_its_token_and_cannot_be_resent() {
    let port = free_port();
    let Some(refusing) = SmtpSink::start(port, true) else {
        return;
    };
    let app = spawn_app_with(|settings| send_to(settings, port, 2)).await;
    let admin = admin(&app).await;

    let id = queue_reset(&app, "ada@example.com");

    eventually("the email marked failed", Duration::from_secs(20), || {
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'failed' AND attempts = 2") == 1
    })
    .await;
    assert!(refusing.received().is_empty());
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE secret IS NULL"),
        1,
        "the token is not kept once its email is given up"
    );
    let page = admin.get("/admin/emails").await;
    let row = row_of(&page.body, id);
    assert!(row.contains("No such mailbox here"), "{row}");
    assert!(row.contains("the shopper can ask for a new one"), "{row}");
    assert!(!row.contains("/resend"), "nothing left to resend: {row}");

    // Asked all the same (a form from before, a script): refused, and nothing is queued.
    let resent = admin
        .submit(&format!("/admin/emails/{id}/resend"), &[("resends", "0")])
        .await;
    assert_eq!(resent.status, StatusCode::CONFLICT);
    assert!(
        resent.body.contains("The shopper can ask for a new one"),
        "{}",
        resent.body
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'failed' AND resends = 0"),
        1,
        "nothing changed"
    );
    assert!(refusing.received().is_empty());
}
