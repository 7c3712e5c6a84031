//! The application's error type and the one place that turns errors into HTTP answers.
//!
//! Handlers return [`AppError`]; its `ResponseError` impl picks the status and a message
//! that is safe to show. [`error_pages`](super::error_pages) then renders every 4xx/5xx
//! answer that is not already a page into the site's error template.

use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::db::DbError;

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
    /// A form field holds what no field accepts (a control character); the message names it.
    #[error("{0}")]
    Unprocessable(String),
    /// The request is valid but cannot be done now (stock, state); the message says why.
    #[error("{0}")]
    Conflict(String),
    #[error("That request is too large.")]
    PayloadTooLarge,
    #[error("Forms must be sent as application/x-www-form-urlencoded.")]
    UnsupportedMediaType,
    /// Content of a kind the route does not take (an upload that is not a picture); the
    /// message says which it takes.
    #[error("{0}")]
    Unsupported(String),
    /// The path exists but does not take this method; the header `Allow` lists those it does.
    #[error("That page does not take this kind of request.")]
    MethodNotAllowed(&'static str),
    #[error("The shop is briefly unavailable. Please try again in a moment.")]
    Unavailable,
    /// The payment provider did not answer, or refused: the order is kept.
    #[error("We could not reach the payment page just now. Your order is kept: please try \"Pay now\" on your receipt again in a moment.")]
    PaymentProvider,
    #[error("Something went wrong on our side. Please try again.")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(error.into())
    }
}

/// A password that could not be checked or hashed: 503 when the checks are busy.
impl From<crate::auth::CheckError> for AppError {
    fn from(error: crate::auth::CheckError) -> Self {
        match error {
            crate::auth::CheckError::Busy => Self::Unavailable,
            other => Self::internal(other),
        }
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

/// A payment step that failed: the database's failures as ever, the provider's a 502
/// (logged without a secret: the client's errors never hold one).
impl From<crate::stripe::PayError> for AppError {
    fn from(error: crate::stripe::PayError) -> Self {
        match error {
            crate::stripe::PayError::Db(error) => error.into(),
            crate::stripe::PayError::Stripe(error) => {
                log::warn!("payment provider: {error}");
                Self::PaymentProvider
            }
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

/// Seconds a client is asked to wait before trying again after a 503: the faults behind
/// one (a lock, a lost race, a database restarting) pass in about that long, and the
/// circuit breaker notices a database that is back within a second.
const RETRY_AFTER_SECS: &str = "2";

/// Gives a 503 its `Retry-After` unless it has one. Every 503 passes through here: the
/// [`AppError`] mapping below, and the error-pages middleware for every other answer.
pub(super) fn add_retry_after(status: StatusCode, headers: &mut HeaderMap) {
    if status == StatusCode::SERVICE_UNAVAILABLE && !headers.contains_key(header::RETRY_AFTER) {
        headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(RETRY_AFTER_SECS),
        );
    }
}

/// The layout an error page is drawn in, and what its header shows.
#[derive(Debug, Clone, Default)]
pub struct ErrorLayout {
    pub admin_area: bool,
    pub admin: Option<String>,
    pub account: Option<String>,
    pub basket_count: i64,
    pub csrf_token: Option<String>,
    /// The admin header's count of failed emails, when the request read it.
    pub failed_emails: i64,
}

/// An error page's heading and title: what happened, in words.
pub(super) fn error_title(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "Request not understood",
        StatusCode::UNAUTHORIZED => "Not logged in",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::NOT_FOUND => "Page not found",
        StatusCode::METHOD_NOT_ALLOWED => "Request not allowed here",
        StatusCode::CONFLICT => "That could not be done",
        StatusCode::PAYLOAD_TOO_LARGE => "Request too large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "Content not accepted",
        StatusCode::UNPROCESSABLE_ENTITY => "Details not accepted",
        StatusCode::GONE => "Link no longer valid",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        StatusCode::SERVICE_UNAVAILABLE => "Shop briefly unavailable",
        StatusCode::BAD_GATEWAY => "Payment page unavailable",
        status if status.is_server_error() => "Something went wrong",
        _ => "Request not completed",
    }
}

/// Marks an error answer that must go out as it is (the health check's plain `unavailable`).
#[derive(Debug, Clone, Copy)]
pub struct PlainAnswer;

/// The message an error page shows, carried from `error_response` to [`error_pages`].
#[derive(Debug, Clone)]
pub(super) struct ErrorMessage(pub(super) String);

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Csrf | Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType | Self::Unsupported(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::PaymentProvider => StatusCode::BAD_GATEWAY,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(error) = self {
            log::error!("internal error: {error:?}");
        }
        let message = self.to_string();
        let mut response = HttpResponse::build(self.status_code());
        if let Self::MethodNotAllowed(allow) = self {
            response.insert_header((header::ALLOW, *allow));
        }
        let mut response = response
            .content_type("text/plain; charset=utf-8")
            .body(message.clone());
        add_retry_after(response.status(), response.headers_mut());
        response.extensions_mut().insert(ErrorMessage(message));
        response
    }
}
