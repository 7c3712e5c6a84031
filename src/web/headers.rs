//! The security headers every answer carries, and the one `Cache-Control` it carries.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue, CACHE_CONTROL};
use actix_web::http::StatusCode;
use actix_web::middleware::{DefaultHeaders, Next};

/// The Content-Security-Policy: everything from this origin only, no inline scripts or
/// styles, no framing, forms post only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Headers every answer carries (a handler may set its own instead).
pub const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
];

/// The middleware that adds [`SECURITY_HEADERS`] to every answer. `form_target`: one more
/// origin forms may lead to (Stripe's hosted payment page, which placing an order and
/// "Pay now" redirect to: browsers check a form's redirects against `form-action` too).
pub fn security_headers(form_target: Option<&str>) -> DefaultHeaders {
    let policy = form_target
        .and_then(|origin| {
            let policy = CONTENT_SECURITY_POLICY.replace(
                "form-action 'self'",
                &format!("form-action 'self' {origin}"),
            );
            HeaderValue::from_str(&policy).ok()
        })
        .unwrap_or(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    SECURITY_HEADERS
        .iter()
        .fold(DefaultHeaders::new(), |headers, &(name, value)| {
            let value = match name {
                "content-security-policy" => policy.clone(),
                _ => HeaderValue::from_static(value),
            };
            headers.add((HeaderName::from_static(name), value))
        })
}

/// Adds [`SECURITY_HEADERS`] to an answer made outside the middleware chain (an error
/// that a middleware returned).
pub fn add_security_headers(headers: &mut HeaderMap) {
    for (name, value) in SECURITY_HEADERS {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
}

/// Pages with a shopper's or an admin's data: never kept by the browser or a proxy, so
/// that Back after logout or checkout shows nothing.
fn is_private(path: &str) -> bool {
    ["/basket", "/checkout", "/orders", "/admin", "/account"]
        .iter()
        .any(|prefix| match path.strip_prefix(prefix) {
            Some(rest) => rest.is_empty() || rest.starts_with('/'),
            None => false,
        })
}

/// The `Cache-Control` an answer must carry whatever its handler said: `no-store` on
/// errors and private pages, `public` only on static files that exist. `None`: the
/// handler's own stands (pages render with `private, no-cache`).
fn cache_policy(path: &str, status: StatusCode) -> Option<&'static str> {
    if status.is_client_error() || status.is_server_error() || is_private(path) {
        Some("no-store")
    } else if path.starts_with("/static/")
        && (status.is_success() || status == StatusCode::NOT_MODIFIED)
    {
        Some("public, max-age=86400")
    } else {
        None
    }
}

/// Middleware: one `Cache-Control` per answer (see [`cache_policy`]); it replaces any the
/// layers inside set, error pages' included.
pub async fn cache_control(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = req.path().to_owned();
    let mut response = next.call(req).await?;
    if let Some(value) = cache_policy(&path, response.status()) {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(value));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_pages_and_errors_are_never_stored_and_only_static_files_are_public() {
        assert_eq!(cache_policy("/basket", StatusCode::OK), Some("no-store"));
        assert_eq!(cache_policy("/orders/x", StatusCode::OK), Some("no-store"));
        assert_eq!(cache_policy("/account", StatusCode::OK), Some("no-store"));
        assert_eq!(
            cache_policy("/account/reset/x", StatusCode::OK),
            Some("no-store")
        );
        assert_eq!(cache_policy("/accounts", StatusCode::OK), None);
        assert_eq!(
            cache_policy("/admin", StatusCode::SEE_OTHER),
            Some("no-store")
        );
        assert_eq!(cache_policy("/basketball", StatusCode::OK), None);
        assert_eq!(
            cache_policy("/static/x.css", StatusCode::NOT_FOUND),
            Some("no-store")
        );
        assert_eq!(
            cache_policy("/static/x.css", StatusCode::OK),
            Some("public, max-age=86400")
        );
        assert_eq!(cache_policy("/", StatusCode::OK), None);
    }
}
