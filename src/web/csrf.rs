//! CSRF protection.
//!
//! A signed double-submit cookie rather than the session, so that an anonymous visitor
//! who only reads pages never gets a session row (think of crawlers): the cookie
//! `trolley_csrf` holds a random token signed with the site key, and every form posts the
//! same token back in `csrf_token`. The [`Form`](super::Form) extractor checks it for
//! every POST but the checkout's, which checks it itself, after its replay rule.

use actix_web::cookie::time::Duration;
use actix_web::cookie::{Cookie, Key};
use actix_web::{HttpMessage, HttpRequest};
use base64::Engine;
use rand::RngCore;
use subtle::ConstantTimeEq;

use super::cookies;
use super::errors::AppError;

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

    /// The cookie to set when the token is new; it lives as long as a session.
    pub fn cookie(&self, key: &Key, secure: bool, max_age: Duration) -> Option<Cookie<'static>> {
        if !self.is_new {
            return None;
        }
        cookies::signed(CSRF_COOKIE, self.value.clone(), max_age, key, secure)
    }

    /// The token for this request, created once per request and kept in its extensions.
    pub fn for_request(req: &HttpRequest, key: &Key) -> Self {
        if let Some(token) = req.extensions().get::<CsrfToken>() {
            return token.clone();
        }
        let token = expected(req, key)
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

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The token the request's cookie vouches for, if the cookie is there and signed by us.
pub fn expected(req: &HttpRequest, key: &Key) -> Option<String> {
    cookies::verified(req, CSRF_COOKIE, key)
}

/// Checks the token a form posted against the request's cookie.
pub fn verify(req: &HttpRequest, key: &Key, submitted: Option<&str>) -> Result<(), AppError> {
    check(expected(req, key).as_deref(), submitted)
}

/// Compares the posted token with the expected one, in constant time.
pub fn check(expected: Option<&str>, submitted: Option<&str>) -> Result<(), AppError> {
    let (Some(expected), Some(submitted)) = (expected, submitted) else {
        return Err(AppError::Csrf);
    };
    if bool::from(expected.as_bytes().ct_eq(submitted.as_bytes())) {
        Ok(())
    } else {
        Err(AppError::Csrf)
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn compares_whole_tokens() {
        assert!(check(Some("abc"), Some("abc")).is_ok());
        assert!(check(Some("abc"), Some("abd")).is_err());
        assert!(check(Some("abc"), Some("ab")).is_err());
        assert!(check(None, Some("abc")).is_err());
        assert!(check(Some("abc"), None).is_err());
    }
}
