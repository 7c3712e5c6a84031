//! The typed session: what Trolley keeps in a shopper's or an admin's session, under
//! constant keys, and the middleware that loads and saves it. Handlers use this, never
//! raw keys, and never the `sessions` table.

use std::future::{ready, Ready};

use actix_session::config::{CookieContentSecurity, PersistentSession};
use actix_session::{Session, SessionExt, SessionMiddleware};
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use crate::config::Settings;
use crate::db::Db;
use crate::domain::{BasketId, OrderToken};
use crate::session_store::{DieselSessionStore, LabelKeys};
use crate::web::AppError;

pub const SESSION_COOKIE: &str = "trolley_session";

const BASKET_ID: &str = "basket_id";
const ORDER_TOKEN: &str = "order_token";
const ADMIN_ID: &str = "admin_id";
const ADMIN_USERNAME: &str = "admin_username";
const REFRESHED_AT: &str = "refreshed_at";
const USER_AGENT: &str = "user_agent";
const SEEN_AT: &str = "seen_at";

/// How often an admin's session is written just to record that it is in use ("last
/// seen" on the sessions page): at most once a minute.
const SEEN_EVERY_SECS: i64 = 60;

/// The longest browser description kept.
const MAX_USER_AGENT_CHARS: usize = 200;

/// The admin a session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminIdentity {
    pub id: i64,
    pub username: String,
}

pub struct TypedSession(Session);

impl TypedSession {
    pub fn from_session(session: Session) -> Self {
        Self(session)
    }

    fn get<T: serde::de::DeserializeOwned>(&self, key: &str) -> Option<T> {
        // State that no longer deserializes (after a change of format) counts as absent.
        self.0.get(key).ok().flatten()
    }

    fn insert<T: serde::Serialize>(&self, key: &str, value: T) -> Result<(), AppError> {
        // `insert`, not `update`: in actix-session 0.11 only insert marks the session changed.
        self.0.insert(key, value).map_err(AppError::internal)
    }

    pub fn basket_id(&self) -> Option<BasketId> {
        self.get::<String>(BASKET_ID).map(BasketId::from_stored)
    }

    /// Records the basket and marks the session changed, which also extends its life: a
    /// session lives `TROLLEY_SESSION_TTL` from its last change.
    pub fn set_basket_id(&self, id: &BasketId) -> Result<(), AppError> {
        self.insert(BASKET_ID, id.as_str())
    }

    /// Whether the session (and its basket) is due to be written again to move its expiry
    /// on: when it was last written more than a hundredth of its lifetime ago. Writing on
    /// every basket change would cost two writes per add for an expiry that moves by
    /// seconds; this way the expiry lags by at most 1% of the lifetime.
    pub fn due_for_refresh(&self, ttl: std::time::Duration, now: i64) -> bool {
        let every = i64::try_from(ttl.as_secs() / 100).unwrap_or(i64::MAX);
        self.get::<i64>(REFRESHED_AT)
            .is_none_or(|at| now.saturating_sub(at) >= every)
    }

    /// Records a refresh; the write that follows moves the session's expiry on.
    pub fn mark_refreshed(&self, now: i64) -> Result<(), AppError> {
        self.insert(REFRESHED_AT, now)
    }

    pub fn order_token(&self) -> Option<OrderToken> {
        self.get::<String>(ORDER_TOKEN)
            .and_then(|text| OrderToken::parse(&text))
    }

    pub fn set_order_token(&self, token: OrderToken) -> Result<(), AppError> {
        self.insert(ORDER_TOKEN, token.to_string())
    }

    pub fn admin(&self) -> Option<AdminIdentity> {
        Some(AdminIdentity {
            id: self.get(ADMIN_ID)?,
            username: self.get(ADMIN_USERNAME)?,
        })
    }

    /// Logs an admin in under a new session key, so that a key planted before login is
    /// worth nothing after it. The admin's session starts empty: no shopper state
    /// (basket, checkout token) carries over into it.
    pub fn log_in_admin(&self, admin: &AdminIdentity) -> Result<(), AppError> {
        self.0.clear();
        self.0.renew();
        self.insert(ADMIN_ID, admin.id)?;
        self.insert(ADMIN_USERNAME, &admin.username)
    }

    /// Records the browser an admin logged in with (shown on the sessions page).
    pub fn set_user_agent(&self, user_agent: &str) -> Result<(), AppError> {
        let user_agent: String = user_agent.chars().take(MAX_USER_AGENT_CHARS).collect();
        self.insert(USER_AGENT, user_agent)
    }

    /// Marks the session as in use now when it was last marked over a minute ago; the
    /// write that follows moves the session's "last seen" on.
    pub fn mark_seen(&self, now: i64) -> Result<(), AppError> {
        let due = self
            .get::<i64>(SEEN_AT)
            .is_none_or(|at| now.saturating_sub(at) >= SEEN_EVERY_SECS);
        if due {
            self.insert(SEEN_AT, now)?;
        }
        Ok(())
    }

    /// Destroys the session: its row is deleted and the cookie removed.
    pub fn purge(&self) {
        self.0.purge();
    }
}

impl FromRequest for TypedSession {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self(req.get_session())))
    }
}

/// The session middleware: cookie `trolley_session` holding a signed random key, state in
/// the database, living `TROLLEY_SESSION_TTL` seconds from its last change.
pub fn middleware(
    db: &Db,
    key: &Key,
    settings: &Settings,
) -> SessionMiddleware<DieselSessionStore> {
    let ttl = i64::try_from(settings.session_ttl.as_secs()).unwrap_or(i64::MAX);
    let store = DieselSessionStore::new(db.clone()).with_label_keys(LabelKeys {
        admin_id: ADMIN_ID,
        user_agent: USER_AGENT,
    });
    SessionMiddleware::builder(store, key.clone())
        .cookie_name(SESSION_COOKIE.to_owned())
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_path("/".to_owned())
        .cookie_secure(settings.cookie_secure)
        .cookie_content_security(CookieContentSecurity::Signed)
        .session_lifecycle(
            PersistentSession::default()
                .session_ttl(actix_web::cookie::time::Duration::seconds(ttl)),
        )
        .build()
}
