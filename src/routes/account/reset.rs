//! Password resets: GET/POST /account/reset asks for a link by email (always the same
//! answer); GET/POST /account/reset/{token} sets a new password with it (410 when the
//! link is used, expired or unknown).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::db::models::password_reset::{self, ResetRequest};
use crate::db::models::{account, unix_now};
use crate::domain::{account_email, FieldErrors, NewPassword};
use crate::web::{AppError, AppState, Flash, Form};

/// A new link's token: 32 bytes from the operating system's CSPRNG, base64url.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored in place of a token.
fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn render(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    template: &str,
    context: tera::Context,
) -> Result<HttpResponse, AppError> {
    state.render(req, status, template, context)
}

fn with_errors(email: &str, errors: &FieldErrors) -> tera::Context {
    let mut context = tera::Context::new();
    context.insert("email", email);
    context.insert("errors", errors);
    context
}

pub async fn form(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let context = with_errors("", &FieldErrors::new());
    render(&req, &state, StatusCode::OK, "account/reset.html", context)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResetFields {
    email: String,
}

/// Queues a link when the email has an account, and answers the same either way.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: Form<ResetFields>,
) -> Result<HttpResponse, AppError> {
    let typed = form.into_inner().email;
    let email = match account_email(&typed) {
        Ok(email) => email,
        Err(message) => {
            let context = with_errors(&typed, &FieldErrors::from([("email", message)]));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(&req, &state, status, "account/reset.html", context);
        }
    };
    let token = new_token();
    state
        .db
        .query(move |conn| {
            let Some(found) = account::find_by_email(conn, &email)? else {
                return Ok(());
            };
            let request = ResetRequest {
                account_id: found.id,
                email: &found.email,
                token: &token,
                token_hash: &token_hash(&token),
                now: chrono::Utc::now().naive_utc(),
            };
            if !password_reset::create(conn, &request)? {
                log::warn!("account {} has the most reset links already", found.id);
            }
            Ok(())
        })
        .await?;
    let message = "If an account uses that email, an email with a link to choose a new \
                   password is on its way to it. The link works once, for an hour.";
    Ok(state.redirect_with("/account/reset", &Flash::info(message)))
}

/// 410: the link cannot be used (any more).
fn gone(req: &HttpRequest, state: &AppState) -> Result<HttpResponse, AppError> {
    let context = tera::Context::new();
    render(
        req,
        state,
        StatusCode::GONE,
        "account/reset_gone.html",
        context,
    )
}

pub async fn token_form(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let hash = token_hash(&token);
    let live = state
        .db
        .query(move |conn| password_reset::peek(conn, &hash, unix_now()))
        .await?;
    if live.is_none() {
        return gone(&req, &state);
    }
    let context = with_errors("", &FieldErrors::new());
    render(
        &req,
        &state,
        StatusCode::OK,
        "account/reset_password.html",
        context,
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewPasswordFields {
    password: String,
}

/// Sets the new password: the link is used up and every session of the account ends.
pub async fn set_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: Form<NewPasswordFields>,
) -> Result<HttpResponse, AppError> {
    let password = match NewPassword::parse(&form.into_inner().password) {
        Ok(password) => password,
        Err(message) => {
            let context = with_errors("", &FieldErrors::from([("password", message)]));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(&req, &state, status, "account/reset_password.html", context);
        }
    };
    let hash = token_hash(&token);
    let still_live = hash.clone();
    let live = state
        .db
        .query(move |conn| password_reset::peek(conn, &still_live, unix_now()))
        .await?;
    if live.is_none() {
        return gone(&req, &state);
    }
    let password_hash = state.password_checks.hash(password.into_inner()).await?;
    let reset = state
        .db
        .query(move |conn| password_reset::reset(conn, &hash, &password_hash, unix_now()))
        .await?;
    let Some(account_id) = reset else {
        return gone(&req, &state);
    };
    log::info!("account {account_id} set a new password through a reset link");
    let message = "Your new password is set, and every session of your account is signed \
                   out. Please sign in with it.";
    Ok(state.redirect_with("/account/login", &Flash::info(message)))
}
