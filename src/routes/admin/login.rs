//! GET/POST /admin/login and POST /admin/logout.

use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use actix_web::http::header::{HeaderValue, RETRY_AFTER};
use serde::Deserialize;

use crate::auth::{self, LoginOutcome, THROTTLE_WINDOW_SECS};
use crate::session::{AdminIdentity, TypedSession};
use crate::web::{csrf, see_other, AppError, AppState, Flash, Form, NoFields};

fn render(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    username: &str,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let mut context = tera::Context::new();
    context.insert("username", username);
    context.insert("error", &error);
    state.render(req, status, "admin/login.html", context)
}

pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
) -> Result<HttpResponse, AppError> {
    if session.admin().is_some() {
        return Ok(see_other("/admin/orders"));
    }
    render(&req, &state, StatusCode::OK, "", None)
}

/// The login form's fields; a missing one counts as empty (and so as wrong).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginFields {
    username: String,
    password: String,
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    form: Form<LoginFields>,
) -> Result<HttpResponse, AppError> {
    let arrived = Instant::now();
    let LoginFields { username, password } = form.into_inner();
    if username.chars().count() > auth::MAX_USERNAME_CHARS {
        return Err(AppError::BadRequest(format!(
            "A username has at most {} characters.",
            auth::MAX_USERNAME_CHARS
        )));
    }
    let (db, typed) = (state.db.clone(), username.clone());
    let claim = web::block(move || auth::claim_attempt(&db, auth::Realm::Admin, &typed))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let Some(claim) = claim else {
        return throttled(&req, &state, &username);
    };
    match check_password(&state, claim, password).await? {
        LoginOutcome::LoggedIn { admin_id, username } => {
            log::info!("admin {username:?} logged in");
            session.log_in_admin(&AdminIdentity {
                id: admin_id,
                username,
            })?;
            let user_agent = req
                .headers()
                .get(actix_web::http::header::USER_AGENT)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("Unknown browser");
            session.set_user_agent(user_agent)?;
            Ok(see_other("/admin/orders"))
        }
        LoginOutcome::WrongCredentials => {
            let answer_at = actix_rt::time::Instant::from_std(arrived + auth::FAILED_LOGIN_DELAY);
            actix_rt::time::sleep_until(answer_at).await;
            render(
                &req,
                &state,
                StatusCode::UNAUTHORIZED,
                &username,
                Some("That username and password do not match. Please try again."),
            )
        }
    }
}

/// Checks the password of the admin the attempt names. A name with no admin goes through
/// the same queue and the same work (see [`auth::PasswordChecks`]), so its answer takes
/// as long; a login that cannot get its turn in time is answered 503.
async fn check_password(
    state: &AppState,
    claim: auth::Claim,
    password: String,
) -> Result<LoginOutcome, AppError> {
    let admin = auth::find_admin(&state.db, &claim)
        .await
        .map_err(AppError::internal)?;
    auth::check_password(&state.db, &state.password_checks, claim, admin, password)
        .await
        .map_err(|error| match error {
            auth::LoginError::Check(auth::CheckError::Busy) => AppError::Unavailable,
            other => AppError::internal(other),
        })
}

/// 429: too many failed logins for this username; no password was checked.
fn throttled(
    req: &HttpRequest,
    state: &AppState,
    username: &str,
) -> Result<HttpResponse, AppError> {
    log::warn!(
        "login throttled for {:?}",
        auth::normalize_username(username)
    );
    let mut response = render(
        req,
        state,
        StatusCode::TOO_MANY_REQUESTS,
        username,
        Some("Too many failed logins for this username. Please wait 15 minutes and try again."),
    )?;
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(THROTTLE_WINDOW_SECS));
    Ok(response)
}

pub async fn logout(
    state: web::Data<AppState>,
    session: TypedSession,
    _button: Form<NoFields>,
) -> Result<HttpResponse, AppError> {
    session.purge();
    let mut response = state.redirect_with("/admin/login", &Flash::info("You are logged out."));
    response
        .add_cookie(&csrf::removal_cookie(state.settings.cookie_secure))
        .map_err(AppError::internal)?;
    Ok(response)
}
