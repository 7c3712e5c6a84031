//! The clean-up of expired sessions, the baskets that died with them, old failed logins,
//! and what expires with an account's sign-in or reset (basket merges, reset links).

use std::time::Duration as StdDuration;

use crate::db::models::{basket, login_failure, password_reset, session, unix_now};
use crate::db::{Db, DbConnection, DbError, QueryResult};

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
    /// Expired basket merges and password reset links.
    pub links: usize,
}

/// Deletes expired sessions and the baskets that died with them, and old failed logins, `batch` rows per
/// statement, pausing `pause` between statements so that requests are served in between.
pub async fn clear_expired(db: &Db, batch: i64, pause: StdDuration) -> Result<Cleared, DbError> {
    let now = unix_now();
    let sessions = in_batches(db, batch, pause, session::delete_expired_batch, now).await?;
    let baskets = in_batches(db, batch, pause, basket::delete_expired_batch, now).await?;
    // Failed logins older than the throttle's window count for nothing any more.
    let before = now - login_failure::THROTTLE_WINDOW_SECS;
    let login_failures = db
        .run(move |conn| login_failure::delete_failures_before(conn, before).map_err(DbError::from))
        .await?;
    let merges = in_batches(db, batch, pause, basket::delete_expired_merges_batch, now).await?;
    let resets = in_batches(db, batch, pause, password_reset::delete_expired_batch, now).await?;
    Ok(Cleared {
        sessions,
        baskets,
        login_failures,
        links: merges + resets,
    })
}

/// Runs `delete(conn, now, batch)` until it deletes fewer than `batch` rows, pausing
/// `pause` in between; returns how many rows it deleted.
async fn in_batches(
    db: &Db,
    batch: i64,
    pause: StdDuration,
    delete: fn(&mut DbConnection, i64, i64) -> QueryResult<usize>,
    now: i64,
) -> Result<usize, DbError> {
    let mut deleted = 0;
    loop {
        let removed = db
            .run(move |conn| delete(conn, now, batch).map_err(DbError::from))
            .await?;
        deleted += removed;
        if removed < usize::try_from(batch).unwrap_or(usize::MAX) {
            return Ok(deleted);
        }
        actix_rt::time::sleep(pause).await;
    }
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
                    "removed {} expired sessions, {} expired baskets, {} old failed logins \
                     and {} expired basket merges and reset links",
                    cleared.sessions,
                    cleared.baskets,
                    cleared.login_failures,
                    cleared.links
                ),
                Ok(_) => {}
                Err(error) => log::warn!("expired session clean-up failed: {error}"),
            }
        }
    });
}
