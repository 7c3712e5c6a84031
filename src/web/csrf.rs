//! CSRF protection.
//!
//! A browser with a session has a token bound to that session: it is kept in the session's
//! state (under [`SESSION_KEY`]) and only it passes, so a token signed for any other
//! browser is refused. It is replaced whenever the session key is (admin login), and
//! dropped with the session (logout, checkout), when the CSRF cookie goes too.
//!
//! A visitor without a session gets a signed double-submit cookie instead, so that one who
//! only reads pages never gets a session row (think of crawlers): the cookie
//! `trolley_csrf` holds a random token signed with the site key, and every form posts the
//! same token back in `csrf_token`. When that visitor's first change creates a session,
//! the session adopts the cookie's token, so pages open in other tabs keep working.
//!
//! The [`Form`](super::Form) extractor checks the token for every POST but the checkout's,
//! which checks it itself, after its replay rule.

use actix_session::{Session, SessionExt};
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
/// Where a session keeps its bound token.
pub const SESSION_KEY: &str = "csrf_token";

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
        let session = req.get_session();
        let token = if has_state(&session) {
            // A session from before tokens were bound gets one now (one write, once).
            let value = bound(&session).unwrap_or_else(|| {
                let value = new_token();
                if let Err(error) = session.insert(SESSION_KEY, &value) {
                    log::warn!("could not bind a CSRF token to the session: {error}");
                }
                value
            });
            Self {
                value,
                is_new: false,
            }
        } else {
            cookie_token(req, key)
                .map(|value| Self {
                    value,
                    is_new: false,
                })
                .unwrap_or_else(|| Self {
                    value: new_token(),
                    is_new: true,
                })
        };
        req.extensions_mut().insert(token.clone());
        token
    }
}

/// A new random token, 256 bits, base64url.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether the request has a session with state (a reader's empty session does not count).
fn has_state(session: &Session) -> bool {
    !session.entries().is_empty()
}

/// The token bound to this session, if any.
pub fn bound(session: &Session) -> Option<String> {
    session.get::<String>(SESSION_KEY).ok().flatten()
}

/// The token the request's CSRF cookie vouches for, if the cookie is there and signed by
/// us: what a visitor without a session posts, and what a new session adopts.
pub fn cookie_token(req: &HttpRequest, key: &Key) -> Option<String> {
    cookies::verified(req, CSRF_COOKIE, key)
}

/// The token a form of this request must carry: the session's own when there is a session
/// (none at all for a session without one, which then refuses every form), otherwise the
/// one the CSRF cookie vouches for.
pub fn expected(req: &HttpRequest, key: &Key) -> Option<String> {
    let session = req.get_session();
    if has_state(&session) {
        bound(&session)
    } else {
        cookie_token(req, key)
    }
}

/// The cookie that drops the CSRF token with the session (logout, checkout): the next page
/// signs a new one.
pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    cookies::removal(CSRF_COOKIE, secure)
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
