//! The sessions page of an admin (GET /admin/sessions) or a shopper's account (GET
//! /account/sessions): their own sessions; and its POST …/sessions/end-others: sign out
//! everywhere else. Sessions are rows in the database, so ending them takes effect on
//! every instance at once.

use actix_session::storage::SessionKey;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use chrono::DateTime;
use chrono_tz::Tz;
use serde::Serialize;

use crate::db::models::session::{self, Owner};
use crate::db::models::unix_now;
use crate::routes::views::shown_time;
use crate::session::SESSION_COOKIE;
use crate::session_store::hash_key;
use crate::web::cookies;
use crate::web::{AppError, AppState, Flash};

#[derive(Serialize)]
struct SessionView {
    signed_in: String,
    last_seen: String,
    browser: String,
    this_one: bool,
}

/// A Unix time as the shop's people read it (see [`shown_time`]).
fn time(at: Option<i64>, zone: Tz) -> String {
    at.and_then(|at| DateTime::from_timestamp(at, 0))
        .map_or_else(
            || "Unknown".to_owned(),
            |at| shown_time(at.naive_utc(), zone),
        )
}

/// The hash of the session key this request's cookie carries.
pub fn current_key_hash(req: &HttpRequest, state: &AppState) -> Option<Vec<u8>> {
    let key = cookies::verified(req, SESSION_COOKIE, &state.cookie_key)?;
    SessionKey::try_from(key).ok().map(|key| hash_key(&key))
}

/// The owner's sessions page, drawn with `template`.
pub async fn list(
    req: &HttpRequest,
    state: &AppState,
    owner: Owner,
    template: &str,
) -> Result<HttpResponse, AppError> {
    let rows = state
        .db
        .query(move |conn| session::live_for(conn, owner, unix_now()))
        .await?;
    let current = current_key_hash(req, state);
    let sessions: Vec<SessionView> = rows
        .into_iter()
        .map(|row| SessionView {
            this_one: current.as_deref() == Some(row.key_hash.as_slice()),
            signed_in: time(row.created_at, state.settings.timezone),
            last_seen: time(row.last_seen_at, state.settings.timezone),
            browser: row
                .user_agent
                .unwrap_or_else(|| "Unknown browser".to_owned()),
        })
        .collect();
    let mut context = tera::Context::new();
    context.insert("sessions", &sessions);
    state.render(req, StatusCode::OK, template, context)
}

/// Ends every session of the owner but this one, then back to `page` saying how many.
pub async fn end_others(
    req: &HttpRequest,
    state: &AppState,
    owner: Owner,
    page: &str,
) -> Result<HttpResponse, AppError> {
    let keep = current_key_hash(req, state).ok_or(AppError::Forbidden)?;
    let ended = state
        .db
        .query(move |conn| session::delete_for(conn, owner, Some(&keep)))
        .await?;
    log::info!("{owner:?} ended {ended} other sessions");
    let message = match ended {
        0 => "There were no other sessions to sign out.".to_owned(),
        1 => "Signed out 1 other session.".to_owned(),
        n => format!("Signed out {n} other sessions."),
    };
    Ok(state.redirect_with(page, &Flash::info(message)))
}
