//! The circuit breaker: whether the database answered at the last try, shared by every
//! connection of a pool.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Whether the database answered at the last try, shared by every connection of a pool:
/// the error pages use it to tell "database unreachable" (503) from a fault (500), the
/// pool to decide when a connection returned to it must prove it is alive, and
/// [`Db::conn`](super::Db::conn) as a circuit breaker: while the database is known to be
/// down, callers are refused at once and one probe at a time finds out when it is back.
#[derive(Debug)]
pub struct Health {
    available: AtomicBool,
    probing: AtomicBool,
    /// How often the database was found gone (the breaker opened), for the metrics.
    outages: AtomicU64,
}

impl Default for Health {
    fn default() -> Self {
        Self {
            available: AtomicBool::new(true),
            probing: AtomicBool::new(false),
            outages: AtomicU64::new(0),
        }
    }
}

impl Health {
    pub fn is_available(&self) -> bool {
        self.available.load(Ordering::Relaxed)
    }

    /// Every statement that succeeds says so: the common case is one store.
    pub(crate) fn set(&self, available: bool) {
        if available {
            self.available.store(true, Ordering::Relaxed);
        } else if self.available.swap(false, Ordering::Relaxed) {
            self.outages.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn outages(&self) -> u64 {
        self.outages.load(Ordering::Relaxed)
    }

    /// Claims the one probe; `false` when another is under way.
    pub(crate) fn claim_probe(&self) -> bool {
        self.probing
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    }

    pub(crate) fn release_probe(&self) {
        self.probing.store(false, Ordering::Release);
    }
}
