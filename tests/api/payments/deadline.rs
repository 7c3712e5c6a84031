//! The payment deadline: orders not paid in time are cancelled by the shop, stock back and
//! the shopper told, once, however many instances run the job, and never an order whose
//! payment was recorded.

use std::rc::Rc;

use actix_web::http::StatusCode;
use trolley::jobs::payment_deadline::cancel_overdue;

use super::{admin, manual, manual_shop, order_id, overdue, record, states};
use crate::common::{spawn_app_on, test_settings, TestApp, MUG, TEAPOT};

fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Cancelled emails queued for order `id`.
fn cancellation_emails(app: &TestApp, id: i64) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM outbox WHERE order_id = {id} AND kind = 'cancelled'"
    ))
}

#[actix_web::test]
async fn an_order_unpaid_past_its_deadline_is_cancelled_with_its_stock_back_and_an_email() {
    let app = manual_shop().await;
    let admin = admin(&app).await;
    let late = order_id(&app, &app.buy(MUG, 3, "Ada", "ada@example.com").await);
    let paid = order_id(&app, &app.buy(MUG, 2, "Bob", "bob@example.com").await);
    record(&admin, paid, "REF-BOB").await;
    overdue(&app);
    let not_yet = order_id(&app, &app.buy(TEAPOT, 1, "Cy", "cy@example.com").await);

    let cancelled = cancel_overdue(&app.db, now()).await.expect("the job runs");

    assert_eq!(cancelled, [late]);
    assert_eq!(states(&app, late), ("cancelled".into(), "expired".into()));
    assert_eq!(states(&app, paid), ("placed".into(), "paid".into()));
    assert_eq!(states(&app, not_yet), ("placed".into(), "awaiting".into()));
    assert_eq!(
        app.stock_of(MUG),
        38,
        "the late order's three back, the paid two kept"
    );
    assert_eq!(cancellation_emails(&app, late), 1);
    let page = admin.get(&format!("/admin/orders/{late}")).await;
    assert!(
        page.body.contains("by the shop (not paid in time)"),
        "{}",
        page.body
    );
    let receipt = app
        .browser()
        .get(&format!("/orders/{}", token_of(&app, late)))
        .await;
    assert!(receipt.body.contains("was cancelled"), "{}", receipt.body);
    assert!(
        receipt.body.contains("No payment was taken"),
        "{}",
        receipt.body
    );
    assert!(!receipt.body.contains("Paid:"));

    let again = cancel_overdue(&app.db, now()).await.expect("the job runs");
    assert!(again.is_empty(), "nothing twice: {again:?}");
    assert_eq!(cancellation_emails(&app, late), 1);
    assert_eq!(app.stock_of(MUG), 38);
}

fn token_of(app: &TestApp, id: i64) -> String {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        order_token: String,
    }
    use diesel::RunQueryDsl;
    let mut conn = app.db.conn().expect("conn");
    let row: Row = diesel::sql_query(format!("SELECT order_token FROM orders WHERE id = {id}"))
        .get_result(&mut *conn)
        .expect("the order");
    row.order_token
}

#[actix_web::test]
async fn two_instances_running_the_deadline_at_once_cancel_each_order_once() {
    let app = manual_shop().await;
    let mut settings = test_settings(&app.database);
    manual(&mut settings);
    let other = spawn_app_on(Rc::clone(&app.database), settings).await;
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(order_id(
            &app,
            &app.buy(MUG, 1, &format!("Shopper {i}"), "s@example.com")
                .await,
        ));
    }
    overdue(&app);

    let (mine, theirs) = futures::join!(
        cancel_overdue(&app.db, now()),
        cancel_overdue(&other.db, now())
    );

    let (mine, theirs) = (mine.expect("one job"), theirs.expect("the other"));
    let mut all: Vec<i64> = mine.iter().chain(&theirs).copied().collect();
    all.sort_unstable();
    assert_eq!(all, ids, "each order by one job: {mine:?} {theirs:?}");
    for id in &ids {
        assert_eq!(cancellation_emails(&app, *id), 1);
        assert_eq!(states(&app, *id), ("cancelled".into(), "expired".into()));
    }
    assert_eq!(app.stock_of(MUG), 40, "each order's stock back once");
    assert_eq!(app.count("order_events"), 12);
}

#[actix_web::test]
async fn a_payment_recorded_while_the_deadline_runs_wins_or_loses_but_never_both() {
    let app = manual_shop().await;
    let admin = admin(&app).await;
    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(order_id(
            &app,
            &app.buy(MUG, 2, &format!("Shopper {i}"), "s@example.com")
                .await,
        ));
    }
    overdue(&app);

    let payments =
        futures::future::join_all(ids.iter().map(|id| record(&admin, *id, "LATE-TRANSFER")));
    let (pages, job) = futures::join!(payments, cancel_overdue(&app.db, now()));

    let job = job.expect("the job runs");
    let mut paid = 0;
    for (id, page) in ids.iter().zip(&pages) {
        let (status, payment) = states(&app, *id);
        let paid_events = app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM payment_events WHERE order_id = {id} AND to_state = 'paid'"
        ));
        if payment == "paid" {
            paid += 1;
            assert_eq!(status, "placed");
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
            assert_eq!((paid_events, cancellation_emails(&app, *id)), (1, 0));
        } else {
            assert_eq!(
                (status.as_str(), payment.as_str()),
                ("cancelled", "expired")
            );
            assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
            assert_eq!((paid_events, cancellation_emails(&app, *id)), (0, 1));
            assert!(job.contains(id), "cancelled by the job");
        }
    }
    assert_eq!(
        app.stock_of(MUG),
        40 - 2 * paid,
        "stock back for the cancelled only"
    );
}
