//! What every connection reports about itself: the statements it sends (counted, for the
//! statement budget and the logs), whether the database answered (for the
//! [breaker](super::breaker)), and whether it refused a write as read-only.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::Connection;

use super::breaker::Health;
use super::errors::is_connection_error;

/// Counts the statements sent to the database, for the statement budget and the logs.
#[derive(Debug, Default)]
pub struct StatementCounter(AtomicU64);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
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
