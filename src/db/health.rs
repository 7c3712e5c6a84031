//! What every connection reports about itself: statements sent, and whether the database
//! answered.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::Connection;

/// Counts the statements sent to the database, for the statement budget and the logs.
#[derive(Debug, Default)]
pub struct StatementCounter(AtomicU64);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

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

/// Coalesces concurrent write probes (`/healthz`): every caller gets the answer of a probe
/// that started after it arrived, so no answer is older than its request, yet a burst of
/// concurrent checks makes at most two writes to the one probe row instead of one each,
/// which would queue on that row's lock. Callers wait in arrival order.
#[derive(Debug, Default)]
pub(crate) struct ProbeQueue {
    started: AtomicU64,
    /// The number of the last probe and its answer (the error as text).
    last: tokio::sync::Mutex<(u64, Option<Result<(), String>>)>,
}

impl ProbeQueue {
    /// The answer of a probe started after `arrived`, running `probe` when there is none.
    pub(crate) async fn answer<F>(&self, probe: F) -> Result<(), super::DbError>
    where
        F: std::future::Future<Output = Result<(), super::DbError>>,
    {
        let arrived = self.started.load(Ordering::Acquire);
        let mut last = self.last.lock().await;
        if let (number, Some(answer)) = &*last {
            if *number > arrived {
                return answer.clone().map_err(super::DbError::Unavailable);
            }
        }
        let number = self.started.fetch_add(1, Ordering::AcqRel) + 1;
        let answer = probe.await;
        *last = (
            number,
            Some(answer.as_ref().map(|_| ()).map_err(ToString::to_string)),
        );
        answer
    }
}

/// The words of the faults that pass, or that an operator fixes without a change to
/// Trolley: a busy or locked database, a timeout, a database that cannot be written.
const TRANSIENT_MESSAGES: [&str; 9] = [
    // SQLite: SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_READONLY, SQLITE_FULL,
    // SQLITE_CANTOPEN.
    "database is locked",
    "database table is locked",
    "disk I/O error",
    "attempt to write a readonly database",
    "database or disk is full",
    "unable to open database file",
    // PostgreSQL: 55P03 (lock_timeout, NOWAIT) and 57014 (statement_timeout).
    "canceling statement due to lock timeout",
    "could not obtain lock",
    "canceling statement due to statement timeout",
];

/// Is this a fault of the moment rather than of the request or of Trolley: the server
/// gone, busy, locked, read-only or unwritable, a timeout, or a transaction that lost a
/// race? Such a fault answers 503 with `Retry-After`, never 500.
pub(crate) fn is_transient(error: &DieselError) -> bool {
    if is_connection_error(error) || is_retryable(error) {
        return true;
    }
    match error {
        DieselError::DatabaseError(DatabaseErrorKind::ReadOnlyTransaction, _) => true,
        DieselError::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            let message = info.message();
            TRANSIENT_MESSAGES
                .iter()
                .any(|words| message.contains(words))
        }
        _ => false,
    }
}

/// Did the transaction fail only because a concurrent one won (SQLSTATE 40001
/// serialization failure, 40P01 deadlock)? Running it again is then safe and likely to
/// succeed.
pub fn is_retryable(error: &DieselError) -> bool {
    match error {
        DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        DieselError::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            info.message().contains("deadlock detected")
        }
        _ => false,
    }
}

/// Is this the error of a connection that is gone (server down or restarted)?
pub(crate) fn is_connection_error(error: &DieselError) -> bool {
    match error {
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        DieselError::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            // PostgreSQL's words when a server shuts down or the socket drops.
            let message = info.message();
            message.contains("terminating connection")
                || message.contains("server closed the connection")
                || message.contains("no connection to the server")
                || message.contains("the database system is")
        }
        _ => false,
    }
}

/// Each connection's instrumentation: counts statements, keeps [`Health`] current, and
/// notes when this connection refused a write as read-only.
pub(crate) struct Instrument {
    counter: Arc<StatementCounter>,
    health: Arc<Health>,
    refused_write: bool,
}

impl Instrument {
    pub(crate) fn new(counter: Arc<StatementCounter>, health: Arc<Health>) -> Self {
        Self {
            counter,
            health,
            refused_write: false,
        }
    }

    /// Whether `conn` refused a write as read-only since the last call (which forgets it).
    /// A PostgreSQL session keeps the read-only default its database had when it started,
    /// so such a connection may go on refusing writes that new ones would take.
    pub(crate) fn take_refused_write(conn: &mut impl Connection) -> bool {
        conn.instrumentation()
            .downcast_mut::<Self>()
            .is_some_and(|instrument| std::mem::take(&mut instrument.refused_write))
    }
}

impl Instrumentation for Instrument {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { query, .. } => {
                self.counter.0.fetch_add(1, Ordering::Relaxed);
                log::trace!(target: "trolley::sql", "{query}");
            }
            InstrumentationEvent::FinishQuery { error, .. } => match error {
                None => self.health.set(true),
                Some(error) if is_connection_error(error) => self.health.set(false),
                Some(DieselError::DatabaseError(DatabaseErrorKind::ReadOnlyTransaction, _)) => {
                    self.refused_write = true;
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    use super::ProbeQueue;

    #[actix_rt::test]
    async fn a_burst_of_health_checks_shares_probes_and_a_later_check_gets_a_new_one() {
        let queue = ProbeQueue::default();
        let probes = AtomicU32::new(0);
        let probe = || async {
            probes.fetch_add(1, Ordering::SeqCst);
            actix_rt::time::sleep(Duration::from_millis(20)).await;
            Ok(())
        };
        let burst = futures_util::future::join_all((0..32).map(|_| queue.answer(probe()))).await;
        assert!(burst.iter().all(Result::is_ok));
        assert!(
            probes.load(Ordering::SeqCst) <= 2,
            "{probes:?} probes for 32 checks"
        );

        let before = probes.load(Ordering::SeqCst);
        queue.answer(probe()).await.expect("the probe succeeds");
        assert_eq!(
            probes.load(Ordering::SeqCst),
            before + 1,
            "a later check writes again"
        );
    }
}
