//! The r2d2 manager: opens connections of the backend the URL names, set up as Trolley
//! needs them, and decides when a pooled connection is broken.

use std::sync::Arc;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::R2D2Connection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;

use super::breaker::Health;
use super::dialect::POSTGRES_TIMEOUTS;
use super::instrument::{Instrument, StatementCounter};
use super::DbConnection;
use crate::config::DatabaseUrl;

/// SQLite's wait for the write lock: under the 5 s within which a busy database answers
/// 503 (a longer wait would answer later, not better).
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA busy_timeout = 4000; PRAGMA foreign_keys = ON;";

/// Opens connections of the backend the URL names (r2d2's manager for [`Db`]). Diesel's
/// own manager would let the multi-backend connection try each backend in turn, and SQLite
/// accepts any string as a file name, so the choice is made here, explicitly.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
    counter: Arc<StatementCounter>,
    health: Arc<Health>,
}

impl Manager {
    pub(crate) fn new(
        url: &DatabaseUrl,
        counter: Arc<StatementCounter>,
        health: Arc<Health>,
    ) -> Self {
        Self {
            url: url.clone(),
            counter,
            health,
        }
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        let mut conn = open(&self.url)?;
        conn.set_instrumentation(Instrument::new(
            Arc::clone(&self.counter),
            Arc::clone(&self.health),
        ));
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.ping().map_err(Self::Error::QueryError)
    }

    /// Diesel only knows a connection is broken mid-transaction. While a query has lately
    /// found the server gone (restarted or down), or when this connection has just refused
    /// a write as read-only, a check decides, so that the pool drops dead and read-only
    /// connections and recovers by itself when the server is back or writable again.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        let refused_write = Instrument::take_refused_write(conn);
        conn.is_broken() || ((refused_write || !self.health.is_available()) && !usable(conn))
    }
}

/// Opens a connection of the backend the URL names, set up as Trolley needs it.
pub(crate) fn open(url: &DatabaseUrl) -> Result<DbConnection, diesel::r2d2::Error> {
    use diesel::r2d2::Error;
    Ok(match url {
        DatabaseUrl::Postgres(url) => {
            let mut conn = PgConnection::establish(url).map_err(Error::ConnectionError)?;
            conn.batch_execute(POSTGRES_TIMEOUTS)
                .map_err(Error::QueryError)?;
            DbConnection::Postgresql(conn)
        }
        DatabaseUrl::Sqlite(path) => {
            let mut conn = SqliteConnection::establish(path).map_err(Error::ConnectionError)?;
            // WAL lets readers go on while one writer writes; the busy timeout makes
            // writers queue instead of failing at once; SQLite leaves foreign keys off
            // unless asked.
            conn.batch_execute(SQLITE_PRAGMAS)
                .map_err(Error::QueryError)?;
            DbConnection::Sqlite(conn)
        }
    })
}

/// Whether a connection answers and can write. A PostgreSQL session opened while its
/// database was read-only (`default_transaction_read_only`) stays read-only after the
/// database is writable again: such a connection is dropped, not kept failing every write.
fn usable(conn: &mut DbConnection) -> bool {
    match conn {
        DbConnection::Postgresql(pg) => pg
            .batch_execute(
                "DO $$ BEGIN IF current_setting('transaction_read_only') = 'on' THEN \
                 RAISE EXCEPTION 'read-only session'; END IF; END $$",
            )
            .is_ok(),
        DbConnection::Sqlite(_) => conn.ping().is_ok(),
    }
}
