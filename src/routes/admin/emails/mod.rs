//! GET /admin/emails: the outbox, newest first (order emails and account emails, never a
//! reset link's token), each failure explained in plain words; POST
//! /admin/emails/{id}/resend ([`resend`]): an email queued again. An order's page lists
//! its own emails the same way ([`EmailView`]).

mod resend;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::params::parse_page;
use crate::db::models::outbox::{self, OutboxEmail};
use crate::domain::EmailState;
use crate::mail::failure::{self, Explained};
use crate::routes::views::shown_time;
use crate::web::{AppError, AppState};

pub use resend::resend;

pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    page: Option<String>,
}

/// An outbox email as the admin pages show it.
#[derive(Serialize)]
pub struct EmailView {
    id: i64,
    /// The order's number and id for an order email; `None` for an account's email.
    number: Option<String>,
    order_id: Option<i64>,
    /// What it tells of: `placed`, `shipped`, `cancelled` or `reset`.
    kind: &'static str,
    to: String,
    subject: String,
    state: &'static str,
    /// While a sender is delivering it: for how long, in words (`1 min 5 s`).
    sending_for: Option<String>,
    attempts: i32,
    /// How many times an admin has queued it again: its Resend form sends it back.
    resends: i32,
    /// Why the last attempt failed, in plain words with the stored error.
    problem: Option<Explained>,
    /// An order email that has failed or been sent can be queued again.
    can_resend: bool,
    created_at: String,
    sent_at: Option<String>,
}

impl EmailView {
    pub fn new(row: OutboxEmail, zone: chrono_tz::Tz, now_ms: i64) -> Self {
        let sending_for = row.sending_for_ms(now_ms);
        let can_resend = row.order_email().is_some()
            && matches!(row.state, EmailState::Failed | EmailState::Sent);
        Self {
            id: row.id,
            number: row.order_email().map(|email| email.number.to_string()),
            order_id: row.order_id,
            kind: row.kind.as_str(),
            state: if sending_for.is_some() {
                "sending"
            } else {
                row.state.as_str()
            },
            sending_for: sending_for.map(spoken_duration),
            attempts: row.attempts,
            resends: row.resends,
            problem: row.last_error.as_deref().map(failure::explain),
            can_resend,
            created_at: shown_time(row.created_at, zone),
            sent_at: row.sent_at.map(|at| shown_time(at, zone)),
            to: row.to_address,
            subject: row.subject,
        }
    }
}

/// A duration in milliseconds as a person says it: `45 s`, `6 min 24 s`, `2 h 5 min`.
fn spoken_duration(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match (hours, minutes) {
        (0, 0) => format!("{seconds} s"),
        (0, _) => format!("{minutes} min {seconds} s"),
        _ => format!("{hours} h {minutes} min"),
    }
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let page = parse_page(params.page.as_deref())?;
    let offset = (page - 1) * PAGE_SIZE;
    let (rows, count) = state
        .db
        .query(move |conn| {
            let rows = outbox::list(conn, PAGE_SIZE, offset)?;
            Ok((rows, outbox::count(conn)?))
        })
        .await?;
    let pages = ((count + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let now_ms = Utc::now().timestamp_millis();
    let emails: Vec<EmailView> = rows
        .into_iter()
        .map(|row| EmailView::new(row, state.settings.timezone, now_ms))
        .collect();
    let mut context = tera::Context::new();
    context.insert("emails", &emails);
    context.insert("count", &count);
    context.insert("page", &page);
    context.insert("pages", &pages);
    context.insert("sending", &state.settings.mail.smtp_url.is_some());
    state.render(&req, StatusCode::OK, "admin/emails.html", context)
}

#[cfg(test)]
mod tests {
    use super::spoken_duration;

    #[test]
    fn durations_are_spoken_in_the_largest_units_that_matter() {
        assert_eq!(spoken_duration(-5), "0 s");
        assert_eq!(spoken_duration(45_900), "45 s");
        assert_eq!(spoken_duration(384_000), "6 min 24 s");
        assert_eq!(spoken_duration(7_500_000), "2 h 5 min");
    }
}
