//! The shop-wide figures the metrics show (live sessions, queued emails and the oldest
//! one's age), read every so often rather than at each scrape: they are the same on every
//! instance, and counting them is a scan of their tables.

use std::time::Duration;

use crate::db::models::{sampled, unix_now};
use crate::db::Db;
use crate::metrics::Metrics;

/// Reads the figures now and then `every` after each reading, for as long as the server
/// runs. A reading that fails (the database down) keeps the last one; the breaker's own
/// metric says why.
pub fn spawn_sampler(db: Db, metrics: Metrics, every: Duration) {
    actix_rt::spawn(async move {
        loop {
            let now = unix_now();
            match db.query(move |conn| sampled::sample(conn, now)).await {
                Ok(sample) => metrics.sampled().record(sample),
                Err(error) => log::debug!("the metrics' sample failed: {error}"),
            }
            actix_rt::time::sleep(every).await;
        }
    });
}
