//! GET/POST /account/login and POST /account/logout.

use std::time::Instant;

use actix_web::http::header::{HeaderValue, RETRY_AFTER};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::sign_in::sign_in;
use crate::auth::{self, Realm, THROTTLE_WINDOW_SECS};
use crate::db::models::account::{self, Account};
use crate::domain::CustomerEmail;
use crate::routes::return_to;
use crate::session::TypedSession;
use crate::web::{csrf, AppError, AppState, Flash, Form, NoFields};

/// Where a form goes after signing in, from its `next` query or field.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NextParams {
    pub next: Option<String>,
}

/// A sign-in form (login or sign-up) drawn again, with the values typed (never the
/// password) and what went wrong.
pub fn render(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    template: &str,
    values: &[(&str, &str)],
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let mut context = tera::Context::new();
    for (name, value) in values {
        context.insert(*name, value);
    }
    context.insert("error", &error);
    context.insert("errors", &crate::domain::FieldErrors::new());
    state.render(req, status, template, context)
}

pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    params: web::Query<NextParams>,
) -> Result<HttpResponse, AppError> {
    let next = return_to::local_path(params.next.as_deref()).unwrap_or_default();
    if session.account().is_some() {
        let to = if next.is_empty() { "/account" } else { &next };
        return Ok(crate::web::see_other(to));
    }
    let values = [("email", ""), ("next", next.as_str())];
    render(
        &req,
        &state,
        StatusCode::OK,
        "account/login.html",
        &values,
        None,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginFields {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    form: Form<LoginFields>,
) -> Result<HttpResponse, AppError> {
    let arrived = Instant::now();
    let LoginFields {
        email,
        password,
        next,
    } = form.into_inner();
    if email.chars().count() > CustomerEmail::MAX_CHARS {
        return Err(AppError::BadRequest(format!(
            "An email address has at most {} characters.",
            CustomerEmail::MAX_CHARS
        )));
    }
    let next = return_to::local_path(next.as_deref()).unwrap_or_default();
    let values = [("email", email.as_str()), ("next", next.as_str())];
    let (db, typed) = (state.db.clone(), email.clone());
    let claim = web::block(move || auth::claim_attempt(&db, Realm::Shopper, &typed))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let Some(claim) = claim else {
        return throttled(&req, &state, &values);
    };
    match check(&state, claim, password).await? {
        Some(found) => {
            let greeting = format!("Welcome back, {}.", found.shown_name());
            sign_in(&req, &state, &session, &found, Some(&next), &greeting).await
        }
        None => {
            // The same delay whether or not the email has an account.
            let answer_at = actix_rt::time::Instant::from_std(arrived + auth::FAILED_LOGIN_DELAY);
            actix_rt::time::sleep_until(answer_at).await;
            let message = "That email and password do not match. Please try again.";
            let status = StatusCode::UNAUTHORIZED;
            render(
                &req,
                &state,
                status,
                "account/login.html",
                &values,
                Some(message),
            )
        }
    }
}

/// 429: too many failed sign-ins for this email; no password was checked.
fn throttled(
    req: &HttpRequest,
    state: &AppState,
    values: &[(&str, &str)],
) -> Result<HttpResponse, AppError> {
    log::warn!("shopper login throttled");
    let message = "Too many failed sign-ins for this email. Please wait 15 minutes, or reset \
                   your password.";
    let status = StatusCode::TOO_MANY_REQUESTS;
    let mut page = render(
        req,
        state,
        status,
        "account/login.html",
        values,
        Some(message),
    )?;
    page.headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(THROTTLE_WINDOW_SECS));
    Ok(page)
}

/// The account whose password this is, if any. An email with no account goes through the
/// same queue and the same work (see [`auth::PasswordChecks`]).
pub async fn check(
    state: &AppState,
    claim: auth::Claim,
    password: String,
) -> Result<Option<Account>, AppError> {
    let email = claim.name().to_owned();
    let found = state
        .db
        .query(move |conn| account::find_by_email(conn, &email))
        .await?;
    let hash = found.as_ref().map(|found| found.password_hash.clone());
    let verified = auth::verify_claimed(&state.db, &state.password_checks, claim, hash, password)
        .await
        .map_err(|error| match error {
            auth::LoginError::Check(auth::CheckError::Busy) => AppError::Unavailable,
            other => AppError::internal(other),
        })?;
    Ok(found.filter(|_| verified))
}

/// Ends this session; the basket stays with the account, and the browser starts afresh.
pub async fn logout(
    state: web::Data<AppState>,
    session: TypedSession,
    _button: Form<NoFields>,
) -> Result<HttpResponse, AppError> {
    session.purge();
    let message = "You are signed out. Your basket is kept with your account.";
    let mut response = state.redirect_with("/", &Flash::info(message));
    response
        .add_cookie(&csrf::removal_cookie(state.settings.cookie_secure))
        .map_err(AppError::internal)?;
    Ok(response)
}
