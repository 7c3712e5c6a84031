//! CSRF protection and the security headers every answer carries.
//!
//! CSRF uses a signed double-submit cookie rather than the session, so that an anonymous
//! visitor who only reads pages never gets a session row (think of crawlers): the cookie
//! `trolley_csrf` holds a random token signed with the site key, and every form posts the
//! same token back in `csrf_token`.

use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::dev::Payload;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::DefaultHeaders;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use base64::Engine;
use rand::RngCore;
use std::future::{ready, Ready};

use crate::errors::AppError;
use crate::startup::AppState;

pub const CSRF_COOKIE: &str = "trolley_csrf";
pub const CSRF_FIELD: &str = "csrf_token";

/// This request's CSRF token: the one its cookie carries, or a new one that the response
/// must set (see [`CsrfToken::cookie`]).
#[derive(Debug, Clone)]
pub struct CsrfToken {
    value: String,
    is_new: bool,
}

impl CsrfToken {
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The cookie to set when the token is new.
    pub fn cookie(&self, state: &AppState) -> Option<Cookie<'static>> {
        if !self.is_new {
            return None;
        }
        let cookie = Cookie::build(CSRF_COOKIE, self.value.clone())
            .path("/")
            .http_only(true)
            .secure(state.settings.cookie_secure)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::seconds(
                i64::try_from(state.settings.session_ttl.as_secs()).unwrap_or(i64::MAX),
            ))
            .finish();
        let mut jar = CookieJar::new();
        jar.signed_mut(&state.cookie_key).add(cookie);
        jar.get(CSRF_COOKIE).cloned()
    }

    /// The token for this request, created once per request and kept in its extensions.
    pub fn for_request(req: &HttpRequest, key: &Key) -> Self {
        if let Some(token) = req.extensions().get::<CsrfToken>() {
            return token.clone();
        }
        let token = cookie_token(req, key)
            .map(|value| Self {
                value,
                is_new: false,
            })
            .unwrap_or_else(|| Self {
                value: new_token(),
                is_new: true,
            });
        req.extensions_mut().insert(token.clone());
        token
    }
}

impl FromRequest for CsrfToken {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.app_data::<web::Data<AppState>>()
                .map(|state| Self::for_request(req, &state.cookie_key))
                .ok_or_else(|| AppError::internal(anyhow::anyhow!("no application state"))),
        )
    }
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The token in the request's cookie, if the cookie is there and its signature holds.
fn cookie_token(req: &HttpRequest, key: &Key) -> Option<String> {
    let cookie = req.cookie(CSRF_COOKIE)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    let verified = jar.signed(key).get(CSRF_COOKIE)?;
    Some(verified.value().to_owned())
}

/// Checks the token a form posted against the request's cookie.
pub fn verify(req: &HttpRequest, key: &Key, submitted: Option<&str>) -> Result<(), AppError> {
    let expected = cookie_token(req, key).ok_or(AppError::Csrf)?;
    let submitted = submitted.ok_or(AppError::Csrf)?;
    if constant_time_eq(expected.as_bytes(), submitted.as_bytes()) {
        Ok(())
    } else {
        Err(AppError::Csrf)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

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

/// The middleware that adds [`SECURITY_HEADERS`] to every answer.
pub fn security_headers() -> DefaultHeaders {
    SECURITY_HEADERS
        .iter()
        .fold(DefaultHeaders::new(), |headers, &(name, value)| {
            headers.add((
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            ))
        })
}

/// Adds [`SECURITY_HEADERS`] to an answer made outside the middleware chain (an error
/// that a middleware returned).
pub fn add_security_headers(headers: &mut actix_web::http::header::HeaderMap) {
    for (name, value) in SECURITY_HEADERS {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn compares_whole_tokens() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
