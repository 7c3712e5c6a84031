//! The connection pool: an r2d2 manager that opens the backend the URL names, and [`Db`],
//! the handle the rest of Trolley holds.

use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::R2D2Connection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::health::{Health, Instrument, StatementCounter};
use super::{with_startup_lock, DbConnection, DbError};
use crate::config::DatabaseUrl;

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgresql");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Opens connections of the backend the URL names (r2d2's manager for [`Db`]). Diesel's
/// own manager would let the multi-backend connection try each backend in turn, and SQLite
/// accepts any string as a file name, so the choice is made here, explicitly.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
    counter: Arc<StatementCounter>,
    health: Arc<Health>,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        let mut conn = match &self.url {
            DatabaseUrl::Postgres(url) => DbConnection::Postgresql(
                PgConnection::establish(url).map_err(Self::Error::ConnectionError)?,
            ),
            DatabaseUrl::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(path).map_err(Self::Error::ConnectionError)?;
                // WAL lets readers go on while one writer writes; the busy timeout makes
                // writers queue instead of failing at once; SQLite leaves foreign keys off
                // unless asked.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                )
                .map_err(Self::Error::QueryError)?;
                DbConnection::Sqlite(conn)
            }
        };
        conn.set_instrumentation(Instrument {
            counter: Arc::clone(&self.counter),
            health: Arc::clone(&self.health),
        });
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.ping().map_err(Self::Error::QueryError)
    }

    /// Diesel only knows a connection is broken mid-transaction. While a query has lately
    /// found the server gone (restarted, or down), a ping decides, so that the pool drops
    /// dead connections and recovers by itself when the server is back.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken() || (!self.health.is_available() && conn.ping().is_err())
    }
}

/// The pool and what the rest of the application needs to know about the database.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
    counter: Arc<StatementCounter>,
    health: Arc<Health>,
}

impl Db {
    /// Builds the pool. Connections are opened lazily, so this does not fail when the
    /// database is down; [`Db::migrate`] does.
    pub fn new(url: &DatabaseUrl, pool_size: u32) -> Self {
        let counter = Arc::new(StatementCounter::default());
        let health = Arc::new(Health::default());
        let manager = Manager {
            url: url.clone(),
            counter: Arc::clone(&counter),
            health: Arc::clone(&health),
        };
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(5))
            .test_on_check_out(false)
            .build_unchecked(manager);
        Self {
            pool,
            counter,
            health,
        }
    }

    pub fn statements(&self) -> &StatementCounter {
        &self.counter
    }

    /// Whether the database answered at the last try.
    pub fn is_available(&self) -> bool {
        self.health.is_available()
    }

    /// A connection for synchronous work (the command line, start-up, tests).
    pub fn conn(&self) -> Result<r2d2::PooledConnection<Manager>, DbError> {
        self.pool.get().map_err(|error| {
            self.health.set(false);
            DbError::Unavailable(error.to_string())
        })
    }

    /// Runs `work` with a pooled connection on the blocking thread pool, never on the
    /// async executor.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || {
            let mut conn = db.conn()?;
            work(&mut conn)
        })
        .await
        .map_err(|_| E::from(DbError::Cancelled))?
    }

    /// Asks the database to answer one trivial statement (the health check).
    pub async fn ping(&self) -> Result<(), DbError> {
        self.run(|conn| conn.ping().map_err(DbError::from)).await
    }

    /// Runs the pending migrations of this backend. On PostgreSQL an advisory lock makes
    /// several instances starting at once take turns.
    pub fn migrate(&self) -> Result<usize, anyhow::Error> {
        let mut conn = self.conn()?;
        with_startup_lock(&mut conn, |conn| {
            let applied = match conn {
                DbConnection::Postgresql(pg) => pg.run_pending_migrations(POSTGRES_MIGRATIONS),
                DbConnection::Sqlite(sqlite) => sqlite.run_pending_migrations(SQLITE_MIGRATIONS),
            }
            .map_err(|error| anyhow::anyhow!("migrations failed: {error}"))?;
            Ok(applied.len())
        })
    }
}
