//! Payments: with `TROLLEY_PAYMENTS=manual`, orders await a bank transfer, an admin
//! records it once, nothing ships before it, and the deadline cancels what was not paid;
//! with `stripe`, Stripe Checkout against the test double; with `none`, nothing of this
//! shows.

mod deadline;
mod manual;
mod stripe;

use std::time::Duration;

use actix_web::http::StatusCode;
use trolley::domain::PaymentMode;

use crate::common::{spawn_app_with, Browser, TestApp, ADMIN, ADMIN_PASSWORD};

/// The bank details a manual shop gives, on three lines.
pub const INSTRUCTIONS: &str = "Trolley Ltd\nSort code 12-34-56\nAccount 12345678";

/// A shop taking bank transfers, its catalogue copy never reused.
pub async fn manual_shop() -> TestApp {
    spawn_app_with(manual).await
}

/// Settings for a shop taking bank transfers.
pub fn manual(settings: &mut trolley::config::Settings) {
    settings.payments.mode = PaymentMode::Manual;
    settings.payments.instructions = Some(INSTRUCTIONS.into());
    settings.payments.deadline = Duration::from_secs(7 * 86_400);
    settings.catalogue_max_age = Duration::ZERO;
}

/// An admin browser, logged in, with a CSRF token of its session.
pub async fn admin(app: &TestApp) -> Browser {
    app.create_admin(ADMIN, ADMIN_PASSWORD);
    let browser = app.browser();
    let page = browser.log_in(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    browser.get("/admin/orders").await;
    browser
}

pub fn order_id(app: &TestApp, token: &str) -> i64 {
    app.scalar(&format!(
        "SELECT id AS n FROM orders WHERE order_token = '{token}'"
    ))
}

/// The order's status and payment state.
pub fn states(app: &TestApp, id: i64) -> (String, String) {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        status: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        payment_state: String,
    }
    use diesel::RunQueryDsl;
    let mut conn = app.db.conn().expect("conn");
    let row: Row = diesel::sql_query(format!(
        "SELECT status, payment_state FROM orders WHERE id = {id}"
    ))
    .get_result(&mut *conn)
    .expect("the order");
    (row.status, row.payment_state)
}

/// Records order `id`'s payment as the admin's form does.
pub async fn record(admin: &Browser, id: i64, reference: &str) -> crate::common::Page {
    admin
        .submit(
            &format!("/admin/orders/{id}/paid"),
            &[("reference", reference)],
        )
        .await
}

/// Moves every deadline of orders awaiting payment into the past.
pub fn overdue(app: &TestApp) {
    app.execute("UPDATE orders SET payment_due_at = created_at WHERE payment_state = 'awaiting'");
}

/// When order `id` was placed, and when its payment is due.
pub fn placed_and_due(
    app: &TestApp,
    id: i64,
) -> (chrono::NaiveDateTime, Option<chrono::NaiveDateTime>) {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Timestamp)]
        created_at: chrono::NaiveDateTime,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
        payment_due_at: Option<chrono::NaiveDateTime>,
    }
    use diesel::RunQueryDsl;
    let mut conn = app.db.conn().expect("conn");
    let row: Row = diesel::sql_query(format!(
        "SELECT created_at, payment_due_at FROM orders WHERE id = {id}"
    ))
    .get_result(&mut *conn)
    .expect("the order");
    (row.created_at, row.payment_due_at)
}

/// Asks for order `id` to become `status`, as the admin's buttons do.
pub async fn set_status(admin: &Browser, id: i64, status: &str) -> crate::common::Page {
    let path = format!("/admin/orders/{id}/status");
    admin.submit(&path, &[("status", status)]).await
}
