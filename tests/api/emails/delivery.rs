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
async fn a_refusing_server_leaves_failed_emails_with_the_error_which_an_admin_can_resend() {
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
    assert!(
        page.body
            .contains("The mail server refused the customer&#x27;s email address."),
        "the error in plain words: {}",
        page.body
    );

    // The mailbox exists now: the admin queues the email again, and it goes.
    drop(refusing);
    let Some(sink) = SmtpSink::start(port, false) else {
        return;
    };
    let id = app.scalar("SELECT id AS n FROM outbox");
    let resent = admin
        .submit(&format!("/admin/emails/{id}/resend"), &[("resends", "0")])
        .await;
    assert_redirect_to(&resent, "/admin/emails");
    let received = sink.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].message_id, "<order-T000001-placed.1@localhost>",
        "the resend is a copy of its own"
    );
    eventually("the email marked sent", Duration::from_secs(5), || {
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent'") == 1
    })
    .await;

    // The same form again (a second click) finds it resent already and queues nothing.
    let again = admin
        .submit(&format!("/admin/emails/{id}/resend"), &[("resends", "0")])
        .await;
    assert_redirect_to(&again, "/admin/emails");
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent' AND resends = 1"),
        1
    );
    let missing = admin
        .submit("/admin/emails/999/resend", &[("resends", "0")])
        .await;
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
    let second = spawn_app_on(std::rc::Rc::clone(&first.database), first.settings.clone()).await;
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

/// A server that accepts connections and never says a word: its connections are kept
/// open, and nothing is ever written to them. Stops when dropped.
struct SilentServer {
    port: u16,
    _listener: std::thread::JoinHandle<()>,
}

impl SilentServer {
    fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("its address").port();
        let handle = std::thread::spawn(move || {
            let mut held = Vec::new();
            // Bounded: a test makes a handful of connections.
            for stream in listener.incoming().take(50) {
                match stream {
                    Ok(stream) => held.push(stream),
                    Err(_) => return,
                }
            }
        });
        Self {
            port,
            _listener: handle,
        }
    }
}

#[actix_web::test]
async fn a_server_that_never_answers_is_given_up_on_and_every_other_email_is_still_tried() {
    let silent = SilentServer::start();
    let app = spawn_app_with(|settings| {
        send_to(settings, silent.port, 1);
        settings.mail.sender.send_timeout = Duration::from_secs(2);
    })
    .await;
    let admin = admin(&app).await;
    for i in 0..3 {
        app.buy(MUG, 1, "Ada Lovelace", &format!("ada{i}@example.com"))
            .await;
    }

    // While the first waits on the silent server, the admin sees it being sent.
    eventually(
        "an email shown as being sent",
        Duration::from_secs(10),
        || app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE claimed_at IS NOT NULL") == 1,
    )
    .await;
    let page = admin.get("/admin/emails").await;
    assert!(page.body.contains("status-email-sending"), "{}", page.body);
    assert!(page.body.contains(">Sending<"), "{}", page.body);
    assert!(page.body.contains("for 0 s") || page.body.contains("for 1 s"));

    // Each gives up after the bound, one after the other, and none is stranded.
    eventually(
        "every email tried and given up",
        Duration::from_secs(20),
        || {
            app.scalar(
                "SELECT COUNT(*) AS n FROM outbox WHERE state = 'failed' AND attempts = 1 \
             AND last_error LIKE 'Timed out%' AND claimed_at IS NULL",
            ) == 3
        },
    )
    .await;
    let page = admin.get("/admin/emails").await;
    assert!(page
        .body
        .contains("Timed out: the SMTP server did not finish"));
    assert!(page
        .body
        .contains("The mail server did not answer in time."));
}

#[actix_web::test]
async fn a_sender_whose_lease_ran_out_cannot_record_over_the_next_senders_claim() {
    let app = spawn_app_with(|settings| settings.mail.smtp_url = None).await;
    app.buy(MUG, 1, "Ada Lovelace", "ada@example.com").await;
    let mut conn = app.db.conn().expect("a connection");
    let lease = 1_000;
    let start = chrono::Utc::now().timestamp_millis();

    let first = trolley::db::models::outbox::claim_due(&mut conn, start, lease, 1).expect("claim");
    let later = start + lease + 1;
    let second = trolley::db::models::outbox::claim_due(&mut conn, later, lease, 1).expect("claim");
    let (first, second) = (&first[0], &second[0]);
    let stale = trolley::db::models::outbox::mark_attempt_failed(
        &mut conn,
        first.id,
        first.claimed_at.expect("claimed"),
        "late",
        Some(start),
    )
    .expect("update");

    assert_eq!(
        first.id, second.id,
        "the lease ran out, so it was claimed again"
    );
    assert!(!stale, "the first sender no longer holds it");
    let row = trolley::db::models::outbox::find(&mut conn, first.id)
        .expect("query")
        .expect("the email");
    assert_eq!(
        row.next_attempt_at,
        later + lease,
        "the second claim's lease stands"
    );
    assert_eq!(row.last_error, None);
    assert_eq!(row.attempts, 2);
    let holder = trolley::db::models::outbox::mark_attempt_failed(
        &mut conn,
        second.id,
        second.claimed_at.expect("claimed"),
        "refused",
        Some(later + 5),
    )
    .expect("update");
    assert!(holder, "the holder records its outcome");
}
