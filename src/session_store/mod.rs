//! actix-session's `SessionStore` on Diesel, in the manner of Django's database sessions.
//!
//! The cookie carries a random key of 256 bits; the `sessions` table holds the SHA-256 of
//! that key, the state as JSON, and the expiry. Expired rows are invisible to `load` before
//! any clean-up runs, and are removed in small batches by the clean-up job
//! (`jobs::cleanup`).
//!
//! The row also names the shopper's basket (`basket_id`, copied from the state on every
//! write, like the admin's labels). `load` reads that basket's lines in the same statement
//! as the session, so that a page with a basket costs one trip to the database, not two,
//! and hands them over in the loaded state itself, as the entry [`LOADED_BASKET`]: the
//! one way a store can tell the request anything, since actix-session gives it nothing
//! of the request. That entry is read-only: every write drops it before storing the
//! state. The session layer (`session::read_loaded`) reads it once per request.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::models::session::{Labels, Loaded};
use crate::db::models::{session, unix_now};
use crate::db::{Db, DbError};

type SessionState = HashMap<String, String>;

/// The state entry in which `load` hands over the lines of the basket the session names,
/// read in the same statement (a JSON `LoadedBasket`). Never stored.
pub const LOADED_BASKET: &str = "_loaded_basket";

/// The state as it is stored: without what `load` added for the request.
fn stored(mut state: SessionState) -> SessionState {
    state.remove(LOADED_BASKET);
    state
}

/// How many tries `save` makes to find a key that is not taken. With 256 random bits a
/// collision is practically impossible; a second try is there only to prove the point.
const SAVE_ATTEMPTS: usize = 3;

#[derive(Clone)]
pub struct DieselSessionStore {
    db: Db,
    label_keys: Option<LabelKeys>,
    reads_basket: bool,
}

/// The state entries the store copies into columns, so that sessions can be found by
/// them: the owning admin's or account's id (a number) and the browser's description (a
/// string); and
/// the shopper's basket id (a string), so that a load reads the basket with the session.
/// Sessions without them leave the columns empty.
#[derive(Debug, Clone, Copy)]
pub struct LabelKeys {
    pub admin_id: &'static str,
    pub account_id: &'static str,
    pub user_agent: &'static str,
    pub basket_id: &'static str,
}

impl DieselSessionStore {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            label_keys: None,
            reads_basket: false,
        }
    }

    pub fn with_label_keys(mut self, keys: LabelKeys) -> Self {
        self.label_keys = Some(keys);
        self
    }

    /// A store whose `load` also reads the lines of the basket the session names, in the
    /// same statement, and hands them over as [`LOADED_BASKET`]: for the requests whose
    /// page shows the basket as they found it (GET and HEAD). A request that writes reads
    /// the basket it changes itself, and its load reads the session alone.
    pub fn reading_baskets(mut self) -> Self {
        self.reads_basket = true;
        self
    }

    fn labels(&self, state: &SessionState) -> Labels {
        let Some(keys) = self.label_keys else {
            return Labels::default();
        };
        let read = |key: &str| state.get(key).map(String::as_str);
        Labels {
            admin_id: read(keys.admin_id).and_then(|json| serde_json::from_str(json).ok()),
            account_id: read(keys.account_id).and_then(|json| serde_json::from_str(json).ok()),
            user_agent: read(keys.user_agent).and_then(|json| serde_json::from_str(json).ok()),
            basket_id: read(keys.basket_id).and_then(|json| serde_json::from_str(json).ok()),
        }
    }
}

/// A new session key: 32 bytes from the operating system's CSPRNG, base64url.
pub fn generate_key() -> SessionKey {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    SessionKey::try_from(text).unwrap_or_else(|_| unreachable!("43 characters is a valid key"))
}

/// What is stored in place of the key.
pub fn hash_key(key: &SessionKey) -> Vec<u8> {
    Sha256::digest(key.as_ref().as_bytes()).to_vec()
}

fn expiry(ttl: &Duration) -> i64 {
    unix_now().saturating_add(ttl.whole_seconds().max(1))
}

fn other<E: Into<anyhow::Error>>(error: E) -> anyhow::Error {
    error.into()
}

/// A database error of the store. actix-session answers every store error with an opaque
/// 500, which the error pages turn into a 503: the store fails only when its database does.
fn db_error(error: DbError) -> anyhow::Error {
    error.into()
}

impl SessionStore for DieselSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<SessionState>, LoadError> {
        let key_hash = hash_key(session_key);
        let with_basket = self.reads_basket && self.label_keys.is_some();
        let loaded = self
            .db
            .run(move |conn| {
                let now = unix_now();
                if with_basket {
                    session::find_live_with_basket(conn, &key_hash, now)
                } else {
                    let state = session::find_live(conn, &key_hash, now)?;
                    Ok(state.map(|state| Loaded {
                        state,
                        basket: None,
                    }))
                }
                .map_err(DbError::from)
            })
            .await
            .map_err(|error| LoadError::Other(db_error(error)))?;
        let Some(Loaded { state, basket }) = loaded else {
            return Ok(None);
        };
        let mut state: SessionState = serde_json::from_str(&state)
            .map_err(|error| LoadError::Deserialization(other(error)))?;
        if let Some(basket) = basket {
            let lines = serde_json::to_string(&basket)
                .map_err(|error| LoadError::Deserialization(other(error)))?;
            state.insert(LOADED_BASKET.to_owned(), lines);
        }
        Ok(Some(state))
    }

    async fn save(&self, state: SessionState, ttl: &Duration) -> Result<SessionKey, SaveError> {
        let state = stored(state);
        let json = serde_json::to_string(&state)
            .map_err(|error| SaveError::Serialization(other(error)))?;
        let expires_at = expiry(ttl);
        let labels = self.labels(&state);
        self.db
            .run(move |conn| {
                for _ in 0..SAVE_ATTEMPTS {
                    let key = generate_key();
                    if session::insert_labelled(conn, &hash_key(&key), &json, expires_at, &labels)?
                    {
                        return Ok(key);
                    }
                    log::warn!("session key collision; drawing another key");
                }
                Err(DbError::Unavailable("no free session key".into()))
            })
            .await
            .map_err(|error| SaveError::Other(db_error(error)))
    }

    /// Replaces the state of a live session. When the row is gone (the session was
    /// destroyed by a concurrent request, such as checkout or logout in another tab, or it
    /// expired), the stale state is dropped and the client gets a fresh, empty session:
    /// a destroyed session stays destroyed.
    async fn update(
        &self,
        session_key: SessionKey,
        state: SessionState,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let state = stored(state);
        let json = serde_json::to_string(&state)
            .map_err(|error| UpdateError::Serialization(other(error)))?;
        let key_hash = hash_key(&session_key);
        let expires_at = expiry(ttl);
        let labels = self.labels(&state);
        let updated = self
            .db
            .run(move |conn| {
                session::update(conn, &key_hash, &json, expires_at, unix_now(), &labels)
                    .map_err(DbError::from)
            })
            .await
            .map_err(|error| UpdateError::Other(db_error(error)))?;
        if updated {
            Ok(session_key)
        } else {
            // A key with no row behind it: the next request loads an empty session.
            Ok(generate_key())
        }
    }

    async fn update_ttl(
        &self,
        session_key: &SessionKey,
        ttl: &Duration,
    ) -> Result<(), anyhow::Error> {
        let key_hash = hash_key(session_key);
        let expires_at = expiry(ttl);
        self.db
            .run(move |conn| {
                session::update_expiry(conn, &key_hash, expires_at, unix_now())
                    .map_err(DbError::from)
            })
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn delete(&self, session_key: &SessionKey) -> Result<(), anyhow::Error> {
        let key_hash = hash_key(session_key);
        self.db
            .run(move |conn| session::delete(conn, &key_hash).map_err(DbError::from))
            .await
            .map_err(db_error)?;
        Ok(())
    }
}
