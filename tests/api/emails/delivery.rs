//! Delivery through failures: a server down for a while, a server that refuses, several
//! instances sharing one outbox.

use std::collections::BTreeSet;
use std::time::Duration;

use actix_web::http::StatusCode;

use super::events::admin;
use super::{eventually, free_port, send_to, SmtpSink};
use crate::common::{assert_redirect_to, spawn_app_on, spawn_app_with, MUG, TEAPOT};

#[actix_web::test]
async fn emails_queued_while_smtp_is_down_each_arrive_once_when_it_is_back() {
    let port = free_port();
    let app = spawn_app_with(|settings| send_to(settings, port, 1000)).await;
    for i in 0..5 {
        app.buy(MUG, 1, "Ada Lovelace", &format!("ada{i}@example.com"))
            .await;
    }
    // Every email has been tried and refused a connection at least twice.
    eventually("every email retried", Duration::from_secs(20), || {
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE attempts >= 2 AND state = 'queued'") == 5
    })
    .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE last_error IS NOT NULL"),
        5,
        "each keeps its last error"
    );

    let Some(sink) = SmtpSink::start(port, false) else {
        return;
    };
    let received = sink.wait_for(5, Duration::from_secs(20)).await;

    let ids: BTreeSet<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(received.len(), 5, "no email twice: {received:#?}");
    assert_eq!(ids.len(), 5);
    eventually("every email marked sent", Duration::from_secs(5), || {
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent'") == 5
    })
    .await;
}

#[actix_web::test]
async fn a_refusing_server_leaves_failed_emails_with_the_error_which_an_admin_can_retry() {
    let port = free_port();
    let Some(refusing) = SmtpSink::start(port, true) else {
        return;
    };
    let app = spawn_app_with(|settings| send_to(settings, port, 3)).await;
    let admin = admin(&app).await;
    app.buy(TEAPOT, 1, "Ada Lovelace", "ada@example.com").await;

    eventually("the email marked failed", Duration::from_secs(20), || {
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'failed' AND attempts = 3") == 1
    })
    .await;
    assert!(refusing.received().is_empty());
    let page = admin.get("/admin/emails").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Failed"), "{}", page.body);
    assert!(
        page.body.contains("550"),
        "the last error is shown: {}",
        page.body
    );
    assert!(page.body.contains("No such mailbox here"));

    // The mailbox exists now: the admin queues the email again, and it goes.
    drop(refusing);
    let Some(sink) = SmtpSink::start(port, false) else {
        return;
    };
    let id = app.scalar("SELECT id AS n FROM outbox");
    let retried = admin
        .submit(&format!("/admin/emails/{id}/retry"), &[])
        .await;
    assert_redirect_to(&retried, "/admin/emails");
    let received = sink.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].message_id, "<order-T000001-placed@localhost>");
    eventually("the email marked sent", Duration::from_secs(5), || {
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent'") == 1
    })
    .await;

    let again = admin
        .submit(&format!("/admin/emails/{id}/retry"), &[])
        .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "a sent email is not retried"
    );
    let missing = admin.submit("/admin/emails/999/retry", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn two_instances_on_one_postgres_send_fifty_concurrent_orders_fifty_emails() {
    let port = free_port();
    let first = spawn_app_with(|settings| send_to(settings, port, 1000)).await;
    if !first.database.is_postgres() {
        eprintln!("skipped: several instances share one database on PostgreSQL only");
        return;
    }
    let Some(sink) = SmtpSink::start(port, false) else {
        return;
    };
    let second = spawn_app_on(first.database.clone(), first.settings.clone()).await;
    first.set_stock(MUG, 1000);

    let orders = (0..50).map(|i| {
        let app = if i % 2 == 0 { &first } else { &second };
        async move {
            app.buy(MUG, 1, "Ada Lovelace", &format!("shopper{i}@example.com"))
                .await
        }
    });
    futures::future::join_all(orders).await;

    let received = sink.wait_for(50, Duration::from_secs(60)).await;
    let ids: BTreeSet<&str> = received.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(received.len(), 50, "exactly one email per order");
    assert_eq!(ids.len(), 50);
    eventually("every email marked sent", Duration::from_secs(5), || {
        first.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent' AND attempts = 1") == 50
    })
    .await;
}
