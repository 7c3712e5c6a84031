//! The signed-in shopper's own account: GET/POST /account/password, GET/POST
//! /account/delete, GET /account/sessions and POST /account/sessions/end-others.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::login::check;
use crate::auth::{self, Realm};
use crate::db::models::account;
use crate::db::models::session::Owner;
use crate::domain::{FieldErrors, NewPassword};
use crate::routes::owned_sessions::{self, current_key_hash};
use crate::session::{AccountIdentity, TypedSession};
use crate::web::{csrf, AppError, AppState, Flash, Form, NoFields};

fn render(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    template: &str,
    errors: &FieldErrors,
) -> Result<HttpResponse, AppError> {
    let mut context = tera::Context::new();
    context.insert("errors", errors);
    state.render(req, status, template, context)
}

fn one_error(field: &'static str, message: &str) -> FieldErrors {
    FieldErrors::from([(field, message.to_owned())])
}

pub async fn password_form(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let page = "account/password.html";
    render(&req, &state, StatusCode::OK, page, &FieldErrors::new())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordFields {
    current: String,
    password: String,
}

/// The account's password checked like a login (throttled, on the checks' queue): the
/// account when it is right; `None` when wrong or throttled.
async fn confirm(
    state: &AppState,
    signed_in: &AccountIdentity,
    password: String,
) -> Result<Option<account::Account>, AppError> {
    let id = signed_in.id;
    let Some(found) = state.db.query(move |conn| account::find(conn, id)).await? else {
        return Ok(None);
    };
    let (db, email) = (state.db.clone(), found.email.clone());
    let claim = web::block(move || auth::claim_attempt(&db, Realm::Shopper, &email))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    match claim {
        Some(claim) => check(state, claim, password).await,
        None => Ok(None),
    }
}

/// A new password: the current one must be right (401); every other session of the
/// account ends, and this one continues under a new key.
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    signed_in: web::ReqData<AccountIdentity>,
    form: Form<PasswordFields>,
) -> Result<HttpResponse, AppError> {
    let PasswordFields { current, password } = form.into_inner();
    let page = "account/password.html";
    let new = match NewPassword::parse(&password) {
        Ok(new) => new,
        Err(message) => {
            let errors = one_error("password", &message);
            return render(
                &req,
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                page,
                &errors,
            );
        }
    };
    if confirm(&state, &signed_in, current).await?.is_none() {
        let errors = one_error("current", "That is not your current password.");
        return render(&req, &state, StatusCode::UNAUTHORIZED, page, &errors);
    }
    let hash = state.password_checks.hash(new.into_inner()).await?;
    let (id, keep) = (signed_in.id, current_key_hash(&req, &state));
    let ended = state
        .db
        .query(move |conn| account::set_password(conn, id, &hash, keep.as_deref()))
        .await?;
    session.renew();
    let message = match ended {
        0 => "Your password is changed.".to_owned(),
        1 => "Your password is changed, and your 1 other session is signed out.".to_owned(),
        n => format!("Your password is changed, and your {n} other sessions are signed out."),
    };
    Ok(state.redirect_with("/account", &Flash::info(message)))
}

pub async fn delete_form(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let page = "account/delete.html";
    render(&req, &state, StatusCode::OK, page, &FieldErrors::new())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteFields {
    password: String,
}

/// Deletes the account once its password is confirmed (401 otherwise): its sessions end,
/// its basket goes, its orders stay, detached.
pub async fn delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    signed_in: web::ReqData<AccountIdentity>,
    form: Form<DeleteFields>,
) -> Result<HttpResponse, AppError> {
    let password = form.into_inner().password;
    if confirm(&state, &signed_in, password).await?.is_none() {
        let errors = one_error("password", "That is not your password.");
        let page = "account/delete.html";
        return render(&req, &state, StatusCode::UNAUTHORIZED, page, &errors);
    }
    let id = signed_in.id;
    state
        .db
        .query(move |conn| account::delete(conn, id))
        .await?;
    log::info!("account {id} deleted");
    session.purge();
    let message = "Your account is deleted and every session of it is signed out. Orders \
                   you placed stay in the shop's records, no longer linked to an account.";
    let mut response = state.redirect_with("/", &Flash::info(message));
    response
        .add_cookie(&csrf::removal_cookie(state.settings.cookie_secure))
        .map_err(AppError::internal)?;
    Ok(response)
}

pub async fn sessions(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: web::ReqData<AccountIdentity>,
) -> Result<HttpResponse, AppError> {
    let owner = Owner::Account(signed_in.id);
    owned_sessions::list(&req, &state, owner, "account/sessions.html").await
}

pub async fn end_other_sessions(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: web::ReqData<AccountIdentity>,
    _button: Form<NoFields>,
) -> Result<HttpResponse, AppError> {
    let owner = Owner::Account(signed_in.id);
    owned_sessions::end_others(&req, &state, owner, "/account/sessions").await
}
