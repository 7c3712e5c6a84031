//! The typed session: what Trolley keeps in a shopper's or an admin's session, under
//! constant keys, and the layer that loads and saves it ([`layer`]). Handlers use this,
//! never raw keys, and never the `sessions` table.

mod checkout;
mod layer;

use std::future::{ready, Ready};

use actix_session::{Session, SessionExt};
use actix_web::cookie::Cookie;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use crate::db::models::basket::SessionBasket;
use crate::db::models::unix_now;
use crate::domain::{BasketId, OrderToken};
use crate::web::{cookies, csrf, AppError, AppState};

pub use checkout::{CheckoutDraft, CheckoutRefusal};
pub use layer::{middleware, read_loaded, stored_row, LoadedSession, Requests};

pub const SESSION_COOKIE: &str = "trolley_session";

const BASKET_ID: &str = "basket_id";
const ORDER_TOKEN: &str = "order_token";
const ADMIN_ID: &str = "admin_id";
const ADMIN_USERNAME: &str = "admin_username";
const REFRESHED_AT: &str = "refreshed_at";
const ADMIN_SEEN_AT: &str = "admin_seen_at";
const ACCOUNT_ID: &str = "account_id";
const ACCOUNT_NAME: &str = "account_name";
const USER_AGENT: &str = "user_agent";

/// The longest browser description kept.
const MAX_USER_AGENT_CHARS: usize = 200;

/// The admin a session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminIdentity {
    pub id: i64,
    pub username: String,
}

/// The shopper's account a session is signed in to: its id, and the name its pages'
/// header shows (the account's name, else its email).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountIdentity {
    pub id: i64,
    pub name: String,
}

/// How a session is signed in to an account (see [`TypedSession::sign_in_account`]).
#[derive(Debug, Clone)]
pub struct AccountSignIn<'a> {
    pub account: &'a AccountIdentity,
    /// The account's basket, which every session of the account shares.
    pub basket: &'a BasketId,
    pub user_agent: &'a str,
    pub now: i64,
}

pub struct TypedSession {
    session: Session,
    loaded: LoadedSession,
    /// The token of the browser's CSRF cookie, which a session created now adopts.
    csrf_seed: Option<String>,
}

impl TypedSession {
    pub(super) fn new(session: Session, loaded: LoadedSession) -> Self {
        Self {
            session,
            loaded,
            csrf_seed: None,
        }
    }

    /// Whether the session holds nothing: a new visitor's, or one that expired.
    pub fn is_empty(&self) -> bool {
        self.session.entries().is_empty()
    }

    fn get<T: serde::de::DeserializeOwned>(&self, key: &str) -> Option<T> {
        // State that no longer deserializes (after a change of format) counts as absent.
        self.session.get(key).ok().flatten()
    }

    fn insert<T: serde::Serialize>(&self, key: &str, value: T) -> Result<(), AppError> {
        self.bind_csrf_token()?;
        // `insert`, not `update`: in actix-session 0.11 only insert marks the session changed.
        self.session.insert(key, value).map_err(AppError::internal)
    }

    /// Every session has its own CSRF token from its first write on (see `web::csrf`); a
    /// new one adopts the browser's cookie token, so forms already open keep working.
    fn bind_csrf_token(&self) -> Result<(), AppError> {
        if self.get::<String>(csrf::SESSION_KEY).is_some() {
            return Ok(());
        }
        let token = self.csrf_seed.clone().unwrap_or_else(csrf::new_token);
        self.session
            .insert(csrf::SESSION_KEY, token)
            .map_err(AppError::internal)
    }

    pub fn basket_id(&self) -> Option<BasketId> {
        self.get::<String>(BASKET_ID).map(BasketId::from_stored)
    }

    /// The session's basket for a page that shows it: its lines as the session's load read
    /// them when it did (a request that changes nothing), else its id, to be read.
    pub fn basket(&self) -> SessionBasket {
        match self.basket_id() {
            None => SessionBasket::Empty,
            Some(id) => match self.loaded.basket.as_ref().filter(|loaded| loaded.id == id) {
                Some(loaded) => SessionBasket::Loaded(loaded.clone()),
                None => SessionBasket::Unread(id),
            },
        }
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
        self.session.clear();
        self.session.renew();
        // A new key, a new CSRF token: none signed before the login passes after it.
        self.session
            .insert(csrf::SESSION_KEY, csrf::new_token())
            .map_err(AppError::internal)?;
        self.insert(ADMIN_ID, admin.id)?;
        self.insert(ADMIN_SEEN_AT, unix_now())?;
        self.insert(ADMIN_USERNAME, &admin.username)
    }

    /// Whether the admin of this session has been idle longer than `timeout` at `now`.
    pub fn admin_idle(&self, timeout: std::time::Duration, now: i64) -> bool {
        let timeout = i64::try_from(timeout.as_secs()).unwrap_or(i64::MAX);
        self.get::<i64>(ADMIN_SEEN_AT)
            .is_none_or(|seen| now.saturating_sub(seen) > timeout)
    }

    /// Records the admin's activity. Written at most every thirtieth of the timeout (a
    /// minute for half an hour), so that browsing the admin pages does not write the
    /// session on every request; the limit is kept to within that much.
    pub fn note_admin_activity(
        &self,
        timeout: std::time::Duration,
        now: i64,
    ) -> Result<(), AppError> {
        let every = i64::try_from(timeout.as_secs() / 30).unwrap_or(i64::MAX);
        match self.get::<i64>(ADMIN_SEEN_AT) {
            Some(seen) if now.saturating_sub(seen) < every => Ok(()),
            _ => self.insert(ADMIN_SEEN_AT, now),
        }
    }

    /// Records the browser an admin logged in with (shown on the sessions page).
    pub fn set_user_agent(&self, user_agent: &str) -> Result<(), AppError> {
        let user_agent: String = user_agent.chars().take(MAX_USER_AGENT_CHARS).collect();
        self.insert(USER_AGENT, user_agent)
    }

    pub fn account(&self) -> Option<AccountIdentity> {
        Some(AccountIdentity {
            id: self.get(ACCOUNT_ID)?,
            name: self.get(ACCOUNT_NAME)?,
        })
    }

    /// Signs a shopper in to their account under a new session key, so that a key planted
    /// before is worth nothing after (as Django's `login()` cycles the key). The session
    /// names the account's basket from now on (the guest basket was merged into it); the
    /// rest of the guest state (an admin, a checkout form's token) does not carry over.
    pub fn sign_in_account(&self, sign_in: &AccountSignIn<'_>) -> Result<(), AppError> {
        self.session.clear();
        self.session.renew();
        self.session
            .insert(csrf::SESSION_KEY, csrf::new_token())
            .map_err(AppError::internal)?;
        self.insert(ACCOUNT_ID, sign_in.account.id)?;
        self.insert(ACCOUNT_NAME, &sign_in.account.name)?;
        self.set_basket_id(sign_in.basket)?;
        self.set_order_token(OrderToken::generate())?;
        self.mark_refreshed(sign_in.now)?;
        self.set_user_agent(sign_in.user_agent)
    }

    /// After a signed-in order: a new key (the checkout is a change of privilege, as a
    /// login is), a new CSRF token and a new order token for the next checkout; still
    /// signed in to the account, whose basket the order emptied.
    pub fn renew_after_order(&self) -> Result<(), AppError> {
        self.forget_checkout();
        self.session.renew();
        self.session
            .insert(csrf::SESSION_KEY, csrf::new_token())
            .map_err(AppError::internal)?;
        self.set_order_token(OrderToken::generate())
    }

    /// Renews the key of a signed-in session, keeping its state (after a password change:
    /// a key seen before it is worth nothing after).
    pub fn renew(&self) {
        self.session.renew();
    }

    /// Destroys the session: its row is deleted and the cookie removed.
    pub fn purge(&self) {
        self.session.purge();
    }

    /// Ends a session whose row this request deleted in the transaction that ended it
    /// (see [`TypedSession::stored_row`]): the answer carries the cookie that removes the
    /// session's, and the session itself is left as loaded, so that the store neither
    /// writes nor deletes it again. Nothing may change the session afterwards.
    pub fn end_deleted(&self, secure: bool) -> Cookie<'static> {
        cookies::removal(SESSION_COOKIE, secure)
    }
}

impl FromRequest for TypedSession {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self::for_request(req)))
    }
}

impl TypedSession {
    /// The request's session, with what its load found (see [`read_loaded`]).
    pub fn for_request(req: &HttpRequest) -> Self {
        let csrf_seed = req
            .app_data::<web::Data<AppState>>()
            .and_then(|state| csrf::cookie_token(req, &state.cookie_key));
        let loaded = req
            .extensions()
            .get::<LoadedSession>()
            .cloned()
            .unwrap_or_default();
        Self {
            csrf_seed,
            ..Self::new(req.get_session(), loaded)
        }
    }
}
