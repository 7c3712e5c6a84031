//! The middleware that renders every error answer as the site's error page.

use actix_session::storage::{SaveError, UpdateError};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};

use super::errors::ErrorLayout;
use super::errors::{add_retry_after, ErrorMessage, PlainAnswer};
use super::headers::add_security_headers;
use super::state::AppState;
use super::visitor::{FailedEmails, Visitor};
use crate::db::models::basket;
use crate::db::DbError;
use crate::domain::BasketId;

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
    let state = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.clone().into_inner());
    let mut response = match next.call(req).await {
        Ok(response) => response.map_into_boxed_body(),
        Err(error) => return Err(middleware_failure(state.as_deref(), error)),
    };
    let status = response.status();
    add_retry_after(status, response.headers_mut());
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
    let layout = error_layout(state.as_deref(), &request).await;
    let mut page = error_page(state.as_deref(), status, &message, &layout);
    // Keep what the original answer said about itself (cookies, Allow, Retry-After).
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            page.headers_mut().append(name.clone(), value.clone());
        }
    }
    Ok(ServiceResponse::new(request, page))
}

/// Whether a middleware's error is the session store's: actix-session answers each with
/// an opaque 500 that keeps the store's error as its cause.
fn is_session_store_error(error: &actix_web::Error) -> bool {
    error.as_error::<InternalError<anyhow::Error>>().is_some()
        || error.as_error::<InternalError<SaveError>>().is_some()
        || error.as_error::<InternalError<UpdateError>>().is_some()
}

/// A middleware failed: answer with a page all the same. The session store is the
/// middleware that talks to the database, and it fails only when the database does
/// (down, busy, unwritable): its failures are 503s, not 500s.
fn middleware_failure(state: Option<&AppState>, error: actix_web::Error) -> actix_web::Error {
    let mut status = error.as_response_error().status_code();
    if status == StatusCode::INTERNAL_SERVER_ERROR
        && (is_session_store_error(&error) || state.is_some_and(|state| !state.db.is_available()))
    {
        status = StatusCode::SERVICE_UNAVAILABLE;
    }
    if status == StatusCode::SERVICE_UNAVAILABLE {
        log::warn!("session store unavailable: {error}");
    } else {
        log::error!("request failed in middleware: {error:?}");
    }
    let mut page = error_page(
        state,
        status,
        default_message(status),
        &ErrorLayout::default(),
    );
    add_retry_after(status, page.headers_mut());
    // This answer bypasses the outer middleware, the security headers' included.
    add_security_headers(page.headers_mut());
    InternalError::from_response(error.to_string(), page).into()
}

/// The site's error page, or plain text when even that cannot be rendered.
fn error_page(
    state: Option<&AppState>,
    status: StatusCode,
    message: &str,
    layout: &ErrorLayout,
) -> HttpResponse {
    let mut page = match state.map(|state| state.render_error(status, message, layout)) {
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

/// The layout for an error answer to `req`: the admin header under /admin, the shop's
/// otherwise, with the basket's true count. The count costs a query only when the
/// session's load did not read the basket (a request that writes); a database that fails
/// it leaves the count 0.
async fn error_layout(state: Option<&AppState>, req: &HttpRequest) -> ErrorLayout {
    let visitor = req
        .extensions()
        .get::<Visitor>()
        .cloned()
        .unwrap_or_default();
    let admin_area = req.path() == "/admin" || req.path().starts_with("/admin/");
    let signed_in = visitor.admin.is_some() || visitor.account.is_some();
    let csrf_token = visitor.csrf_token.clone().filter(|_| signed_in);
    let basket_count = match admin_area {
        true => 0,
        false => match (visitor.basket_count, visitor.basket) {
            (Some(count), _) => count,
            (None, Some(basket)) => read_count(state, basket).await,
            (None, None) => 0,
        },
    };
    ErrorLayout {
        admin_area,
        admin: visitor.admin,
        account: visitor.account,
        basket_count,
        csrf_token,
        failed_emails: FailedEmails::of(req),
    }
}

async fn read_count(state: Option<&AppState>, basket: BasketId) -> i64 {
    let Some(state) = state.filter(|state| state.db.is_available()) else {
        return 0;
    };
    state
        .db
        .run(move |conn| Ok::<_, DbError>(basket::item_count(conn, &basket)?))
        .await
        .unwrap_or_else(|error| {
            log::warn!("the error page's basket count failed: {error}");
            0
        })
}
