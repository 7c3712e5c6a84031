//! The application's error type and the one place that turns errors into HTTP answers.
//!
//! Handlers return [`AppError`]; its `ResponseError` impl picks the status and a message
//! that is safe to show. [`error_pages`] then renders every 4xx/5xx answer that is not
//! already a page into the site's error template, with a plain-text fallback.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse, ResponseError};

use crate::db::DbError;
use crate::startup::AppState;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A field is missing or malformed; the message names it.
    #[error("{0}")]
    BadRequest(String),
    #[error("This form has expired or did not come from this site. Please go back, reload the page and try again.")]
    Csrf,
    #[error("You need to log in to do that.")]
    Forbidden,
    #[error("We could not find that page.")]
    NotFound,
    /// The request is valid but cannot be done now (stock, state); the message says why.
    #[error("{0}")]
    Conflict(String),
    #[error("That request is too large.")]
    PayloadTooLarge,
    #[error("{0}")]
    TooManyRequests(String),
    #[error("The shop is briefly unavailable. Please try again in a moment.")]
    Unavailable,
    #[error("Something went wrong on our side. Please try again.")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(error.into())
    }
}

impl From<DbError> for AppError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Unavailable(why) => {
                log::warn!("database unavailable: {why}");
                Self::Unavailable
            }
            other => Self::Internal(other.into()),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        DbError::from(error).into()
    }
}

impl From<tera::Error> for AppError {
    fn from(error: tera::Error) -> Self {
        Self::Internal(error.into())
    }
}

/// Marks an error answer that must go out as it is (the health check's plain `unavailable`).
#[derive(Debug, Clone, Copy)]
pub struct PlainAnswer;

/// The message an error page shows, carried from `error_response` to [`error_pages`].
#[derive(Debug, Clone)]
struct ErrorMessage(String);

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Csrf | Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(error) = self {
            log::error!("internal error: {error:?}");
        }
        let message = self.to_string();
        let mut response = HttpResponse::build(self.status_code())
            .content_type("text/plain; charset=utf-8")
            .body(message.clone());
        response.extensions_mut().insert(ErrorMessage(message));
        response
    }
}

fn is_html(response: &ServiceResponse<impl MessageBody>) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}

/// Middleware: every error answer that is not already a page (a handler's `AppError`,
/// actix's own 404/405, an extractor's or a middleware's error) becomes the site's error
/// page, with the same status.
pub async fn error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Only the state is kept across the call: a clone of the request would stop the router
    // from writing the path parameters.
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let response = match next.call(req).await {
        Ok(response) => response.map_into_boxed_body(),
        Err(error) => {
            // A middleware (the session store) failed: answer with a page all the same.
            log::error!("request failed in middleware: {error:?}");
            let mut status = error.as_response_error().status_code();
            // The session store is the middleware that talks to the database.
            if status == StatusCode::INTERNAL_SERVER_ERROR
                && state.as_ref().is_some_and(|state| !state.db.is_available())
            {
                status = StatusCode::SERVICE_UNAVAILABLE;
            }
            let mut page = error_page(
                state.as_ref().map(|state| state.get_ref()),
                status,
                default_message(status),
            );
            // This answer bypasses the outer middleware, the security headers' included.
            crate::security::add_security_headers(page.headers_mut());
            return Err(InternalError::from_response(error.to_string(), page).into());
        }
    };
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || is_html(&response)
        || response.response().extensions().contains::<PlainAnswer>()
    {
        return Ok(response);
    }
    let message = response
        .response()
        .extensions()
        .get::<ErrorMessage>()
        .map(|message| message.0.clone())
        .unwrap_or_else(|| default_message(status).to_owned());
    let (request, original) = response.into_parts();
    let mut page = error_page(
        state.as_ref().map(|state| state.get_ref()),
        status,
        &message,
    );
    // Keep what the original answer said about itself (cookies, Allow, Retry-After).
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            page.headers_mut().append(name.clone(), value.clone());
        }
    }
    Ok(ServiceResponse::new(request, page))
}

/// The site's error page, or plain text when even that cannot be rendered.
fn error_page(state: Option<&AppState>, status: StatusCode, message: &str) -> HttpResponse {
    let mut page = match state.map(|state| state.render_error(status, message)) {
        Some(Ok(html)) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        rendered => {
            if let Some(Err(error)) = rendered {
                log::error!("rendering the error page failed: {error:?}");
            }
            HttpResponse::build(status)
                .content_type("text/plain; charset=utf-8")
                .body(message.to_owned())
        }
    };
    page.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    page
}

fn default_message(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "That request was not understood.",
        StatusCode::NOT_FOUND => "We could not find that page.",
        StatusCode::METHOD_NOT_ALLOWED => "That page does not take this kind of request.",
        StatusCode::PAYLOAD_TOO_LARGE => "That request is too large.",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "That kind of content is not accepted here.",
        StatusCode::SERVICE_UNAVAILABLE => {
            "The shop is briefly unavailable. Please try again in a moment."
        }
        status if status.is_server_error() => "Something went wrong on our side. Please try again.",
        _ => "That request could not be completed.",
    }
}
