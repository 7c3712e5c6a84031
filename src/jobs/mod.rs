//! Trolley's background jobs, in one place: what every instance runs besides serving
//! requests, each started by [`start`] when the server starts.
//!
//! - [`cleanup`]: every five minutes, expired sessions and the baskets that died with
//!   them, and failed logins older than the throttle's window, in small batches.
//! - [`mail_sender`]: every poll interval, the due order emails of the outbox, over SMTP.
//! - [`payment_deadline`]: every minute, when the shop takes payment, the orders not paid
//!   by their deadline, cancelled.
//! - [`catalogue_watch`]: every half `TROLLEY_CATALOGUE_MAX_AGE`, whether the products
//!   changed, so that the catalogue's copy is read again.
//! - [`sampler`]: with metrics on, every 15 s, the shop-wide figures they show.

pub mod catalogue_watch;
pub mod cleanup;
pub mod mail_sender;
pub mod payment_deadline;
pub mod sampler;

use std::sync::Arc;
use std::time::Duration;

use crate::catalogue_copy::CatalogueCopy;
use crate::config::Settings;
use crate::db::Db;
use crate::domain::PaymentMode;
use crate::metrics::Metrics;

/// How often the clean-up runs.
pub const CLEANUP_EVERY: Duration = Duration::from_secs(300);

/// Starts the jobs that run on the server's async workers: the clean-up, the mail
/// sender, when the shop takes payment the payment deadline, and with metrics on their
/// sampler. (The catalogue watcher is a thread of its
/// own, started with the catalogue's copy: see [`catalogue_watch::watch`].)
pub fn start(
    db: &Db,
    templates: &tera::Tera,
    settings: &Settings,
    metrics: &Metrics,
) -> anyhow::Result<()> {
    cleanup::spawn_cleanup(db.clone(), CLEANUP_EVERY);
    let sender = mail_sender::Sender::new(db.clone(), templates.clone(), settings)?;
    mail_sender::spawn_sender(sender.map(|sender| sender.counted(metrics.emails().clone())));
    if settings.payments.mode != PaymentMode::None {
        payment_deadline::spawn_deadline(db.clone(), settings.payments.deadline_poll);
    }
    if settings.operations.metrics_addr.is_some() {
        let every = settings.operations.sample_every;
        sampler::spawn_sampler(db.clone(), metrics.clone(), every);
    }
    Ok(())
}

/// Starts the catalogue watcher for `cache`.
pub fn watch_catalogue(cache: &Arc<CatalogueCopy>, db: &Db) -> std::io::Result<()> {
    catalogue_watch::watch(cache, db)
}
