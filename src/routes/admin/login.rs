//! GET/POST /admin/login and POST /admin/logout.

use std::time::{Duration, Instant};

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

/// How long a login waits for its turn to check a password before it is answered 503.
const PASSWORD_CHECK_WAIT: Duration = Duration::from_secs(10);

/// How many times as long as a password check its permit rests afterwards.
const PERMIT_REST: u32 = 3;

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
    let claim = web::block(move || auth::claim_attempt(&db, &typed))
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

/// Checks the password of the admin the attempt names (none named: a failure, with no
/// hashing) on the idle-priority thread (Argon2 is deliberately slow), within this
/// instance's bound on concurrent checks. Each permit then rests [`PERMIT_REST`] times as
/// long as its check took before the next check may use it, so that however long the
/// queue of logins, hashing takes at most a quarter of the cores it is allowed and
/// shoppers' pages keep the rest (measured: with half the rest, a flood of failed logins
/// still doubled shoppers' p99 on two cores).
async fn check_password(
    state: &AppState,
    claim: auth::Claim,
    password: String,
) -> Result<LoginOutcome, AppError> {
    let Some(admin) = auth::find_admin(&state.db, &claim)
        .await
        .map_err(AppError::internal)?
    else {
        return Ok(LoginOutcome::WrongCredentials);
    };
    let permit = actix_rt::time::timeout(
        PASSWORD_CHECK_WAIT,
        state.password_checks.clone().acquire_owned(),
    )
    .await
    .map_err(|_| AppError::Unavailable)?
    .map_err(AppError::internal)?;
    let started = Instant::now();
    let outcome =
        auth::check_password(&state.db, &state.password_worker, claim, admin, password).await;
    let took = started.elapsed();
    actix_rt::spawn(async move {
        actix_rt::time::sleep(took * PERMIT_REST).await;
        drop(permit);
    });
    outcome.map_err(AppError::internal)
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
        .add_cookie(&csrf::removal_cookie())
        .map_err(AppError::internal)?;
    Ok(response)
}
