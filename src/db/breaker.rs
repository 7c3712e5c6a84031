//! The circuit breaker: whether the database answered at the last try, shared by every
//! connection of a pool.

use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the database answered at the last try, shared by every connection of a pool:
/// the error pages use it to tell "database unreachable" (503) from a fault (500), the
/// pool to decide when a connection returned to it must prove it is alive, and
/// [`Db::conn`](super::Db::conn) as a circuit breaker: while the database is known to be
/// down, callers are refused at once and one probe at a time finds out when it is back.
#[derive(Debug)]
pub struct Health {
    available: AtomicBool,
    probing: AtomicBool,
}

impl Default for Health {
    fn default() -> Self {
        Self {
            available: AtomicBool::new(true),
            probing: AtomicBool::new(false),
        }
    }
}

impl Health {
    pub fn is_available(&self) -> bool {
        self.available.load(Ordering::Relaxed)
    }

    pub(crate) fn set(&self, available: bool) {
        self.available.store(available, Ordering::Relaxed);
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
