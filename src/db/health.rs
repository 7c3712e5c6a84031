//! What every connection reports about itself: statements sent, and whether the database
//! answered.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Counts the statements sent to the database, for the statement budget and the logs.
#[derive(Debug, Default)]
pub struct StatementCounter(AtomicU64);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Whether the database answered at the last try, shared by every connection of a pool:
/// the error pages use it to tell "database unreachable" (503) from a fault (500), and the
/// pool to decide when a connection returned to it must prove it is alive.
#[derive(Debug)]
pub struct Health(AtomicBool);

impl Default for Health {
    fn default() -> Self {
        Self(AtomicBool::new(true))
    }
}

impl Health {
    pub fn is_available(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub(crate) fn set(&self, available: bool) {
        self.0.store(available, Ordering::Relaxed);
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

/// Each connection's instrumentation: counts statements and keeps [`Health`] current.
pub(crate) struct Instrument {
    pub(crate) counter: Arc<StatementCounter>,
    pub(crate) health: Arc<Health>,
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
                Some(_) => {}
            },
            _ => {}
        }
    }
}
