//! POST /admin/emails/{id}/resend: an order email queued again, failed (once what stopped
//! it is fixed) or sent (a copy for a customer who lost it). The form carries the count of
//! resends its page showed, so that the second click of a double click, or a page left
//! open, finds the email moved on and queues nothing more: the customer gets one copy.
//! Then back to the page the form was on (`next`, a local path), with a message.

use actix_web::{web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;

use super::super::params::parse_id;
use crate::db::models::outbox::{self, OutboxEmail, Resend};
use crate::routes::return_to::local_path;
use crate::session::AdminIdentity;
use crate::web::form::required;
use crate::web::{AppError, AppState, Flash, Form};

/// The Resend form's fields: the count of resends the page showed, and the page.
#[derive(Debug, Deserialize)]
pub struct ResendFields {
    resends: Option<String>,
    next: Option<String>,
}

impl ResendFields {
    fn seen_resends(&self) -> Result<i32, AppError> {
        required(self.resends.clone(), "resends")?
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|count| *count >= 0)
            .ok_or_else(|| AppError::BadRequest("resends must be a whole number.".into()))
    }
}

pub async fn resend(
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
    form: Form<ResendFields>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let fields = form.into_inner();
    let seen = fields.seen_resends()?;
    let back = local_path(fields.next.as_deref()).unwrap_or_else(|| "/admin/emails".into());
    let now = Utc::now().timestamp_millis();
    let outcome = state
        .db
        .query(move |conn| outbox::resend(conn, id, seen, now))
        .await?;
    let message = match outcome {
        Resend::Queued(email) => {
            log::info!(
                "admin {:?} queued email {id} again (resend {})",
                admin.username,
                email.resends
            );
            let when = match state.settings.mail.smtp_url {
                Some(_) => "it goes out in a moment",
                None => "no SMTP server is configured, so it waits in the outbox",
            };
            format!("{} is queued again: {when}.", named(&email))
        }
        Resend::AlreadyQueued(email) => {
            format!("{} is queued already: it goes out once.", named(&email))
        }
        Resend::AlreadyResent(email) => format!(
            "{} was queued again after that page was shown (it is {} now): nothing more was queued.",
            named(&email),
            email.state
        ),
        Resend::NoLink => {
            return Err(AppError::Conflict(
                "A password reset email cannot be sent again: its link is not kept. The \
                 shopper can ask for a new one."
                    .into(),
            ))
        }
        Resend::NotFound => return Err(AppError::NotFound),
    };
    Ok(state.redirect_with(&back, &Flash::info(message)))
}

/// The email as a message names it: its subject and its recipient.
fn named(email: &OutboxEmail) -> String {
    format!("The email “{}” to {}", email.subject, email.to_address)
}
