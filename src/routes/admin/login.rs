//! GET/POST /admin/login and POST /admin/logout.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use actix_web::http::header::{HeaderValue, RETRY_AFTER};
use serde::Deserialize;

use crate::auth::{self, LoginOutcome, THROTTLE_WINDOW_SECS};
use crate::session::{AdminIdentity, TypedSession};
use crate::web::{see_other, AppError, AppState, Flash, Form, NoFields};

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
    let LoginFields { username, password } = form.into_inner();
    let (db, dummy) = (state.db.clone(), state.dummy_password_hash.clone());
    let typed = username.clone();
    // Argon2 is deliberately slow: it runs on the blocking pool.
    let outcome = web::block(move || auth::attempt_login(&db, &typed, &password, &dummy))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    match outcome {
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
        LoginOutcome::WrongCredentials => render(
            &req,
            &state,
            StatusCode::UNAUTHORIZED,
            &username,
            Some("That username and password do not match. Please try again."),
        ),
        LoginOutcome::Throttled => {
            log::warn!(
                "login throttled for {:?}",
                auth::normalize_username(&username)
            );
            let mut response = render(
                &req,
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                &username,
                Some("Too many failed logins for this username. Please wait 15 minutes and try again."),
            )?;
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(THROTTLE_WINDOW_SECS));
            Ok(response)
        }
    }
}

pub async fn logout(
    state: web::Data<AppState>,
    session: TypedSession,
    _button: Form<NoFields>,
) -> Result<HttpResponse, AppError> {
    session.purge();
    Ok(state.redirect_with("/admin/login", &Flash::info("You are logged out.")))
}
