//! Shoppers' accounts: sign up, log in and out, the account's page and orders, its
//! password, sessions and deletion, and password resets by email. Guest checkout stays as
//! it is; an account is optional.

mod home;
mod login;
mod manage;
mod reset;
mod sign_in;
mod signup;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, HttpMessage, ResponseError};

use super::{form, page, page_and_form};
use crate::session::{AccountIdentity, TypedSession};
use crate::web::{see_other, AppError};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/account")
            .service(page_and_form("/signup", signup::form, signup::submit))
            .service(page_and_form("/login", login::form, login::submit))
            .service(form("/logout", login::logout))
            .service(page_and_form("/reset", reset::form, reset::submit))
            .service(page_and_form(
                "/reset/{token}",
                reset::token_form,
                reset::set_password,
            ))
            .service(
                web::scope("")
                    .wrap(from_fn(require_account))
                    .service(page("", home::show))
                    .service(page_and_form(
                        "/password",
                        manage::password_form,
                        manage::change_password,
                    ))
                    .service(page_and_form(
                        "/delete",
                        manage::delete_form,
                        manage::delete,
                    ))
                    .service(page("/sessions", manage::sessions))
                    .service(form("/sessions/end-others", manage::end_other_sessions)),
            ),
    );
}

/// Signed out, a GET goes to the login form (coming back here after it) and anything
/// else is 403. Signed in, the account is in the request's extensions.
async fn require_account(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    match TypedSession::for_request(req.request()).account() {
        Some(account) => {
            req.extensions_mut().insert::<AccountIdentity>(account);
            Ok(next.call(req).await?.map_into_boxed_body())
        }
        None if req.method() == Method::GET || req.method() == Method::HEAD => {
            let next = format!("/account/login?next={}", encoded(req.path()));
            Ok(req.into_response(see_other(&next)))
        }
        None => Ok(req.into_response(AppError::Forbidden.error_response())),
    }
}

/// A path as a query value.
fn encoded(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The browser a sign-in came from, for the sessions page.
fn user_agent(req: &actix_web::HttpRequest) -> &str {
    req.headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("Unknown browser")
}
