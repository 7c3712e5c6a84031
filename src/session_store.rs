//! actix-session's `SessionStore` on Diesel, in the manner of Django's database sessions.
//!
//! The cookie carries a random key of 256 bits; the `sessions` table holds the SHA-256 of
//! that key, the state as JSON, and the expiry. Expired rows are invisible to `load` before
//! any clean-up runs, and are removed in small batches by [`clear_expired`].

use std::cell::Cell;
use std::collections::HashMap;
use std::future::Future;
use std::time::Duration as StdDuration;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::models::session::Labels;
use crate::db::models::{admin, basket, session, unix_now};
use crate::db::{Db, DbError};

type SessionState = HashMap<String, String>;

/// How many tries `save` makes to find a key that is not taken. With 256 random bits a
/// collision is practically impossible; a second try is there only to prove the point.
const SAVE_ATTEMPTS: usize = 3;

#[derive(Clone)]
pub struct DieselSessionStore {
    db: Db,
    label_keys: Option<LabelKeys>,
}

/// The state entries the store copies into columns, so that sessions can be found by
/// them: the owning admin's id (a number) and the browser's description (a string).
/// Sessions without them (shoppers') leave the columns empty.
#[derive(Debug, Clone, Copy)]
pub struct LabelKeys {
    pub admin_id: &'static str,
    pub user_agent: &'static str,
}

impl DieselSessionStore {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            label_keys: None,
        }
    }

    pub fn with_label_keys(mut self, keys: LabelKeys) -> Self {
        self.label_keys = Some(keys);
        self
    }

    fn labels(&self, state: &SessionState) -> Labels {
        let Some(keys) = self.label_keys else {
            return Labels::default();
        };
        let read = |key: &str| state.get(key).map(String::as_str);
        Labels {
            admin_id: read(keys.admin_id).and_then(|json| serde_json::from_str(json).ok()),
            user_agent: read(keys.user_agent).and_then(|json| serde_json::from_str(json).ok()),
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

tokio::task_local! {
    /// Set when the session store met an unavailable database during this request.
    static STORE_UNAVAILABLE: Cell<bool>;
}

/// Runs a request, telling afterwards whether the session store found the database
/// unavailable (down, busy, unwritable). actix-session turns every store error into an
/// opaque 500; this lets the error pages answer those with a 503 instead.
pub async fn noting_unavailability<F: Future>(request: F) -> (F::Output, bool) {
    STORE_UNAVAILABLE
        .scope(Cell::new(false), async move {
            let output = request.await;
            (output, STORE_UNAVAILABLE.with(Cell::get))
        })
        .await
}

fn other<E: Into<anyhow::Error>>(error: E) -> anyhow::Error {
    error.into()
}

/// A database error of the store, noted when it means the database is unavailable.
fn db_error(error: DbError) -> anyhow::Error {
    if matches!(error, DbError::Unavailable(_)) {
        // Outside `noting_unavailability` (a test calling the store) there is no one to tell.
        let _ = STORE_UNAVAILABLE.try_with(|unavailable| unavailable.set(true));
    }
    error.into()
}

impl SessionStore for DieselSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<SessionState>, LoadError> {
        let key_hash = hash_key(session_key);
        let state = self
            .db
            .run(move |conn| session::find_live(conn, &key_hash, unix_now()).map_err(DbError::from))
            .await
            .map_err(|error| LoadError::Other(db_error(error)))?;
        state
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|error| LoadError::Deserialization(other(error)))
    }

    async fn save(&self, state: SessionState, ttl: &Duration) -> Result<SessionKey, SaveError> {
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

/// How many expired rows one statement deletes.
pub const CLEAR_BATCH: i64 = 1_000;

/// The pause between two batches, so that requests are served in between: deleting a
/// million expired sessions with no pause doubled the p99 of page views.
pub const CLEAR_PAUSE: StdDuration = StdDuration::from_millis(20);

/// What one clean-up removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cleared {
    pub sessions: usize,
    pub baskets: usize,
    pub login_failures: usize,
}

/// Deletes expired sessions and the baskets that died with them, and old failed logins, `batch` rows per
/// statement, pausing `pause` between statements so that requests are served in between.
pub async fn clear_expired(db: &Db, batch: i64, pause: StdDuration) -> Result<Cleared, DbError> {
    let mut cleared = Cleared::default();
    let now = unix_now();
    loop {
        let removed = db
            .run(move |conn| session::delete_expired_batch(conn, now, batch).map_err(DbError::from))
            .await?;
        cleared.sessions += removed;
        if removed < batch as usize {
            break;
        }
        actix_rt::time::sleep(pause).await;
    }
    loop {
        let removed = db
            .run(move |conn| basket::delete_expired_batch(conn, now, batch).map_err(DbError::from))
            .await?;
        cleared.baskets += removed;
        if removed < batch as usize {
            break;
        }
        actix_rt::time::sleep(pause).await;
    }
    // Failed logins older than the throttle's window count for nothing any more.
    let before = now - admin::THROTTLE_WINDOW_SECS;
    cleared.login_failures = db
        .run(move |conn| admin::delete_failures_before(conn, before).map_err(DbError::from))
        .await?;
    Ok(cleared)
}

/// Runs [`clear_expired`] every `every`, for as long as the server runs.
pub fn spawn_cleanup(db: Db, every: StdDuration) {
    actix_rt::spawn(async move {
        let start = actix_rt::time::Instant::now() + every;
        let mut interval = actix_rt::time::interval_at(start, every);
        loop {
            interval.tick().await;
            match clear_expired(&db, CLEAR_BATCH, CLEAR_PAUSE).await {
                Ok(cleared) if cleared != Cleared::default() => log::info!(
                    "removed {} expired sessions, {} expired baskets and {} old failed logins",
                    cleared.sessions,
                    cleared.baskets,
                    cleared.login_failures
                ),
                Ok(_) => {}
                Err(error) => log::warn!("expired session clean-up failed: {error}"),
            }
        }
    });
}
