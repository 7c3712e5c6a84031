//! The connection pool: an r2d2 manager that opens the backend the URL names, and [`Db`],
//! the handle the rest of Trolley holds.

use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::R2D2Connection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use tokio::sync::Semaphore;

use super::breaker::Health;
use super::dialect::POSTGRES_TIMEOUTS;
use super::instrument::{Instrument, StatementCounter};
use super::probe::ProbeQueue;
use super::sql;
use super::{with_startup_lock, DbConnection, DbError};
use crate::config::DatabaseUrl;

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgresql");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// The longest a caller waits for a connection.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(5);

/// What r2d2 calls its connection timeout. It is also the cap on its back-off between
/// attempts to open a connection (half of it): kept short so that, while the database is
/// down, a new connection is tried every half second, and the pool is serving again
/// within a second of the database coming back. Callers wait [`CONNECTION_TIMEOUT`].
const RECONNECT_PACE: Duration = Duration::from_secs(1);

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
fn open(url: &DatabaseUrl) -> Result<DbConnection, diesel::r2d2::Error> {
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

/// The pool and what the rest of the application needs to know about the database.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
    counter: Arc<StatementCounter>,
    health: Arc<Health>,
    probes: Arc<ProbeQueue>,
    /// One permit per pooled connection, handed out first come, first served: requests
    /// wait here, in order and off the blocking threads, rather than inside r2d2's
    /// `get()`, whose wake-ups favour no one in particular.
    permits: Arc<Semaphore>,
    url: DatabaseUrl,
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
            .connection_timeout(RECONNECT_PACE)
            .test_on_check_out(false)
            .build_unchecked(manager);
        Self {
            pool,
            counter,
            health,
            probes: Arc::default(),
            permits: Arc::new(Semaphore::new(pool_size as usize)),
            url: url.clone(),
        }
    }

    pub fn statements(&self) -> &StatementCounter {
        &self.counter
    }

    /// A connection outside the pool, for a background task that keeps one: its
    /// statements are not counted with the requests'.
    pub fn dedicated_connection(&self) -> Result<DbConnection, DbError> {
        open(&self.url).map_err(|error| DbError::Unavailable(error.to_string()))
    }

    /// Whether the database answered at the last try.
    pub fn is_available(&self) -> bool {
        self.health.is_available()
    }

    /// A connection, waiting at most [`CONNECTION_TIMEOUT`] for one. While the database
    /// is known to be down this fails at once, so that requests do not queue behind each
    /// other's waits; one probe at a time, in the background, finds out when it is back.
    pub fn conn(&self) -> Result<r2d2::PooledConnection<Manager>, DbError> {
        self.conn_within(CONNECTION_TIMEOUT)
    }

    /// A connection, waiting at most `wait` for one (see [`Db::conn`]).
    fn conn_within(&self, wait: Duration) -> Result<r2d2::PooledConnection<Manager>, DbError> {
        if !self.health.is_available() {
            self.probe_in_background();
            return Err(DbError::Unavailable(
                "the database is down; a probe is watching for its return".into(),
            ));
        }
        self.pool.get_timeout(wait).map_err(|error| {
            self.health.set(false);
            DbError::Unavailable(error.to_string())
        })
    }

    /// Starts the probe unless one is under way: it waits for a connection (r2d2 keeps
    /// trying to open one) and, when a statement succeeds on it, the instrumentation marks
    /// the database available again.
    fn probe_in_background(&self) {
        if !self.health.claim_probe() {
            return;
        }
        let db = self.clone();
        let probe = std::thread::Builder::new()
            .name("trolley-db-probe".into())
            .spawn(move || {
                if let Ok(mut conn) = db.pool.get_timeout(CONNECTION_TIMEOUT) {
                    if let Err(error) = conn.ping() {
                        log::debug!("database probe: {error}");
                    }
                }
                db.health.release_probe();
            });
        if let Err(error) = probe {
            log::warn!("could not start the database probe: {error}");
            self.health.release_probe();
        }
    }

    /// Runs `work` with a pooled connection on the blocking thread pool, never on the
    /// async executor, once a permit is free (in arrival order).
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        // The wait for a permit and then for a connection: CONNECTION_TIMEOUT in all.
        let asked = Instant::now();
        let waiting = Arc::clone(&self.permits).acquire_owned();
        let permit = match actix_web::rt::time::timeout(CONNECTION_TIMEOUT, waiting).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_closed)) => return Err(E::from(DbError::Cancelled)),
            Err(_elapsed) => {
                return Err(E::from(DbError::Unavailable(format!(
                    "no database connection was free within {CONNECTION_TIMEOUT:?}"
                ))))
            }
        };
        let db = self.clone();
        actix_web::web::block(move || {
            // Held until the work is done, even when the request that asked for it is gone.
            let _permit = permit;
            let wait = CONNECTION_TIMEOUT.saturating_sub(asked.elapsed());
            let mut conn = db.conn_within(wait.max(Duration::from_millis(1)))?;
            work(&mut conn)
        })
        .await
        .map_err(|_| E::from(DbError::Cancelled))?
    }

    /// [`run`](Self::run) for work that only talks to the database: its Diesel errors are
    /// [`DbError`]s, which every caller's error type takes (`?`).
    pub async fn query<T, F>(&self, work: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut DbConnection) -> super::QueryResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.run(move |conn| work(conn).map_err(DbError::from))
            .await
    }

    /// The health check: one committed write to the one-row `health_probe` table. It
    /// fails when the database cannot be written (a read-only PostgreSQL, an immutable or
    /// unwritable SQLite file, a full disk), not only when it cannot be read. Concurrent
    /// checks share probes ([`ProbeQueue`]).
    pub async fn check_writable(&self) -> Result<(), DbError> {
        self.probes.answer(self.write_probe()).await
    }

    async fn write_probe(&self) -> Result<(), DbError> {
        self.run(|conn| {
            sql::raw(
                "INSERT INTO health_probe (id, probes) VALUES (1, 1) \
                 ON CONFLICT (id) DO UPDATE SET probes = health_probe.probes + 1",
            )
            .execute(conn)?;
            Ok(())
        })
        .await
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
