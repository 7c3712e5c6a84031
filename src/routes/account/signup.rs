//! GET/POST /account/signup: an account made, and the shopper signed in to it.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::login::NextParams;
use super::sign_in::sign_in;
use crate::db::models::account::{self, NewAccount};
use crate::domain::{FieldErrors, SignUp};
use crate::routes::return_to;
use crate::session::TypedSession;
use crate::web::{see_other, AppError, AppState, Form};

/// The sign-up page: the values typed (never the password), the messages, and whether
/// the email has an account already (409: the page offers log in and reset).
fn render(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    fields: &SignupFields,
    errors: &FieldErrors,
) -> Result<HttpResponse, AppError> {
    let mut context = tera::Context::new();
    context.insert("email", &fields.email);
    context.insert("name", &fields.name);
    context.insert("next", &fields.next.as_deref().unwrap_or_default());
    context.insert("errors", errors);
    context.insert("taken", &(status == StatusCode::CONFLICT));
    state.render(req, status, "account/signup.html", context)
}

pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    params: web::Query<NextParams>,
) -> Result<HttpResponse, AppError> {
    if session.account().is_some() {
        return Ok(see_other("/account"));
    }
    let fields = SignupFields {
        next: return_to::local_path(params.next.as_deref()),
        ..SignupFields::default()
    };
    render(&req, &state, StatusCode::OK, &fields, &FieldErrors::new())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignupFields {
    email: String,
    name: String,
    password: String,
    next: Option<String>,
}

pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    form: Form<SignupFields>,
) -> Result<HttpResponse, AppError> {
    let mut fields = form.into_inner();
    fields.next = return_to::local_path(fields.next.as_deref());
    let details = match SignUp::parse(&fields.email, &fields.name, &fields.password) {
        Ok(details) => details,
        Err(errors) => {
            return render(
                &req,
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                &fields,
                &errors,
            )
        }
    };
    let hash = state
        .password_checks
        .hash(details.password.into_inner())
        .await?;
    let (email, name) = (details.email, details.name);
    let created = state
        .db
        .query(move |conn| {
            let new = NewAccount {
                email: &email,
                name: &name,
                password_hash: &hash,
                now: chrono::Utc::now().naive_utc(),
            };
            account::create(conn, &new)
        })
        .await?;
    let Some(created) = created else {
        // The page's notice says so once, and offers log in and reset.
        return render(
            &req,
            &state,
            StatusCode::CONFLICT,
            &fields,
            &FieldErrors::new(),
        );
    };
    let greeting = "Welcome to Trolley: your account is ready and you are signed in.";
    let next = fields.next.as_deref();
    sign_in(&req, &state, &session, &created, next, greeting).await
}
