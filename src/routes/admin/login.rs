//! GET/POST /admin/login and POST /admin/logout.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::auth::{self, LoginOutcome, THROTTLE_WINDOW_SECS};
use crate::errors::AppError;
use crate::flash::{see_other, Flash};
use crate::forms::FormData;
use crate::security::CSRF_FIELD;
use crate::session::{AdminIdentity, TypedSession};
use crate::startup::AppState;

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

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    form: FormData,
) -> Result<HttpResponse, AppError> {
    state.verify_csrf(&req, form.get(CSRF_FIELD))?;
    let username = form.get("username").unwrap_or_default().to_owned();
    let password = form.get("password").unwrap_or_default().to_owned();
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
            response.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from(THROTTLE_WINDOW_SECS),
            );
            Ok(response)
        }
    }
}

pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    form: FormData,
) -> Result<HttpResponse, AppError> {
    state.verify_csrf(&req, form.get(CSRF_FIELD))?;
    session.purge();
    Ok(state.redirect_with("/admin/login", &Flash::info("You are logged out.")))
}
