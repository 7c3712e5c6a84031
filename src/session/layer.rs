//! The session layer's two middlewares, in the order `startup.rs` wraps them: actix-session's
//! [`middleware`] loads and saves the state through Trolley's store, then [`read_loaded`]
//! reads once what that load found, for everything after it.

use actix_session::config::{CookieContentSecurity, PersistentSession};
use actix_session::storage::SessionKey;
use actix_session::{Session, SessionExt, SessionMiddleware};
use actix_web::body::MessageBody;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest};

use super::{TypedSession, ACCOUNT_ID, ADMIN_ID, BASKET_ID, SESSION_COOKIE, USER_AGENT};
use crate::config::Settings;
use crate::db::models::basket::LoadedBasket;
use crate::db::Db;
use crate::session_store::{self, DieselSessionStore, LabelKeys};
use crate::web::{cookies, csrf, Visitor};

/// What this request's session load found besides the state, read once by
/// [`read_loaded`] and kept in the request's extensions for the handlers (through
/// [`TypedSession`]) and the error pages.
#[derive(Debug, Clone, Default)]
pub struct LoadedSession {
    /// The lines of the session's basket, read with the session in the same statement,
    /// for a request that changes nothing (GET, HEAD), whose page shows the basket as the
    /// request found it (see [`Requests`]). A request that writes reads the basket it
    /// changes.
    pub(super) basket: Option<LoadedBasket>,
}

impl LoadedSession {
    fn read(session: &Session) -> Self {
        let basket = session
            .get::<LoadedBasket>(session_store::LOADED_BASKET)
            .ok()
            .flatten();
        Self { basket }
    }
}

/// The key hash of the session row this request's cookie names, when it has a stored
/// session: for a change that ends the session in its own transaction (the order).
pub fn stored_row(req: &HttpRequest, key: &Key) -> Option<Vec<u8>> {
    let session = req.get_session();
    if session.entries().is_empty() {
        return None;
    }
    let key = cookies::verified(req, SESSION_COOKIE, key)?;
    SessionKey::try_from(key)
        .ok()
        .map(|key| session_store::hash_key(&key))
}

/// Middleware just inside actix-session's: reads once what the session's load found
/// ([`LoadedSession`]) and who the visitor is ([`Visitor`], for the error pages, which
/// are drawn outside the session layer), into the request's extensions. Reading the
/// session writes nothing.
pub async fn read_loaded(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let raw = req.get_session();
    let loaded = LoadedSession::read(&raw);
    let session = TypedSession::new(raw, loaded.clone());
    let visitor = Visitor {
        basket_count: session.basket().known_count(),
        basket: session.basket_id(),
        admin: session.admin().map(|admin| admin.username),
        account: session.account().map(|account| account.name),
        csrf_token: None,
    };
    req.extensions_mut().insert(loaded);
    req.extensions_mut().insert(visitor);
    let response = next.call(req).await?;
    // The token as the handler left it (a login binds a new one), read while the session
    // layer still holds the state.
    let token = csrf::bound(&response.request().get_session());
    if let Some(visitor) = response.request().extensions_mut().get_mut::<Visitor>() {
        visitor.csrf_token = token;
    }
    Ok(response)
}

/// Which requests a session layer serves: those that only read (GET, HEAD), whose load
/// reads the session's basket with it, or those that may write, whose load reads the
/// session alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requests {
    ThatRead,
    ThatWrite,
}

/// The session middleware: cookie `trolley_session` holding a signed random key, state in
/// the database, living `TROLLEY_SESSION_TTL` seconds from its last change.
pub fn middleware(
    db: &Db,
    key: &Key,
    settings: &Settings,
    requests: Requests,
) -> SessionMiddleware<DieselSessionStore> {
    let ttl = i64::try_from(settings.session_ttl.as_secs()).unwrap_or(i64::MAX);
    let mut store = DieselSessionStore::new(db.clone()).with_label_keys(LabelKeys {
        admin_id: ADMIN_ID,
        account_id: ACCOUNT_ID,
        user_agent: USER_AGENT,
        basket_id: BASKET_ID,
    });
    if requests == Requests::ThatRead {
        store = store.reading_baskets();
    }
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
