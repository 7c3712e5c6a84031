//! The queue for the pool's connections: one permit per pooled connection, handed out
//! first come, first served, and what the waits for them came to (for the metrics).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};

use super::DbError;

/// Requests wait here, in order and off the blocking threads, rather than inside r2d2's
/// `get()`, whose wake-ups favour no one in particular.
#[derive(Debug)]
pub(crate) struct Permits {
    semaphore: Arc<Semaphore>,
    size: u32,
    /// Asks that found no permit free and had to wait…
    waits: AtomicU64,
    /// …and how long they waited in all, in microseconds.
    waited_micros: AtomicU64,
}

/// What the queue has come to since start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waits {
    /// Asks for a connection that had to wait for one.
    pub count: u64,
    /// The time they waited, in all.
    pub total: Duration,
}

impl Permits {
    pub(crate) fn new(size: u32) -> Self {
        Self {
            semaphore: Arc::new(Semaphore::new(size as usize)),
            size,
            waits: AtomicU64::new(0),
            waited_micros: AtomicU64::new(0),
        }
    }

    /// A permit, waiting at most `limit` for one. A permit free at once costs nothing to
    /// count; a wait is counted with its length.
    pub(crate) async fn acquire(&self, limit: Duration) -> Result<OwnedSemaphorePermit, DbError> {
        match Arc::clone(&self.semaphore).try_acquire_owned() {
            Ok(permit) => return Ok(permit),
            Err(TryAcquireError::Closed) => return Err(DbError::Cancelled),
            Err(TryAcquireError::NoPermits) => {}
        }
        let started = Instant::now();
        let waiting = Arc::clone(&self.semaphore).acquire_owned();
        let permit = actix_web::rt::time::timeout(limit, waiting).await;
        let waited = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.waits.fetch_add(1, Ordering::Relaxed);
        self.waited_micros.fetch_add(waited, Ordering::Relaxed);
        match permit {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_closed)) => Err(DbError::Cancelled),
            Err(_elapsed) => Err(DbError::Unavailable(format!(
                "no database connection was free within {limit:?}"
            ))),
        }
    }

    /// Permits held now: database work running or about to.
    pub(crate) fn in_use(&self) -> u32 {
        let free = u32::try_from(self.semaphore.available_permits()).unwrap_or(u32::MAX);
        self.size.saturating_sub(free)
    }

    pub(crate) fn waits(&self) -> Waits {
        Waits {
            count: self.waits.load(Ordering::Relaxed),
            total: Duration::from_micros(self.waited_micros.load(Ordering::Relaxed)),
        }
    }
}
