//! The connection pool: [`Db`], the handle the rest of Trolley holds (its connections
//! opened by the [`Manager`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::r2d2::R2D2Connection;
use diesel::RunQueryDsl;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::breaker::Health;
use super::instrument::StatementCounter;
use super::manager::{open, Manager};
use super::permits::{Permits, Waits};
use super::probe::ProbeQueue;
use super::sql;
use super::{with_startup_lock, DbConnection, DbError};
use crate::config::DatabaseUrl;
use crate::logging;

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgresql");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// The longest a caller waits for a connection.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(5);

/// What r2d2 calls its connection timeout. It is also the cap on its back-off between
/// attempts to open a connection (half of it): kept short so that, while the database is
/// down, a new connection is tried every half second, and the pool is serving again
/// within a second of the database coming back. Callers wait [`CONNECTION_TIMEOUT`].
const RECONNECT_PACE: Duration = Duration::from_secs(1);

/// The pool and what the rest of the application needs to know about the database.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
    counter: Arc<StatementCounter>,
    health: Arc<Health>,
    probes: Arc<ProbeQueue>,
    /// One permit per pooled connection, handed out first come, first served.
    permits: Arc<Permits>,
    url: DatabaseUrl,
}

/// The pool as the metrics show it, read when they are scraped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStatus {
    /// The most connections the pool opens (`TROLLEY_DB_POOL_SIZE`).
    pub size: u32,
    /// Connections open now, and of those, lent out now.
    pub open: u32,
    pub in_use: u32,
    /// Database work holding a permit now (running, or about to get its connection).
    pub permits_in_use: u32,
    pub waits: Waits,
    /// Whether the database answered at the last try (the breaker is closed)…
    pub available: bool,
    /// …and how often it has been found gone since start (the breaker opened).
    pub outages: u64,
}

impl Db {
    /// Builds the pool. Connections are opened lazily, so this does not fail when the
    /// database is down; [`Db::migrate`] does.
    pub fn new(url: &DatabaseUrl, pool_size: u32) -> Self {
        let counter = Arc::new(StatementCounter::default());
        let health = Arc::new(Health::default());
        let manager = Manager::new(url, Arc::clone(&counter), Arc::clone(&health));
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
            permits: Arc::new(Permits::new(pool_size)),
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

    pub fn status(&self) -> PoolStatus {
        let state = self.pool.state();
        PoolStatus {
            size: self.pool.max_size(),
            open: state.connections,
            in_use: state.connections.saturating_sub(state.idle_connections),
            permits_in_use: self.permits.in_use(),
            waits: self.permits.waits(),
            available: self.health.is_available(),
            outages: self.health.outages(),
        }
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
    /// async executor, once a permit is free (in arrival order). The request's log
    /// context goes with it, so that lines written there name the request.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        // The wait for a permit and then for a connection: CONNECTION_TIMEOUT in all.
        let asked = Instant::now();
        let permit = self.permits.acquire(CONNECTION_TIMEOUT).await?;
        let db = self.clone();
        let request = logging::current();
        actix_web::web::block(move || {
            // Held until the work is done, even when the request that asked for it is gone.
            let _permit = permit;
            logging::carried(request, || {
                let wait = CONNECTION_TIMEOUT.saturating_sub(asked.elapsed());
                let mut conn = db.conn_within(wait.max(Duration::from_millis(1)))?;
                work(&mut conn)
            })
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
