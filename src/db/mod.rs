//! The database layer: the only module that knows Trolley runs on two backends.
//!
//! Queries are written once against [`DbConnection`], Diesel's multi-backend connection. The
//! few statements the two dialects spell differently (upserts, `BEGIN IMMEDIATE`, advisory
//! locks) dispatch on the variant here or in the model that needs them.

pub mod models;
pub mod schema;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::{
    AnsiTransactionManager, Instrumentation, InstrumentationEvent, SimpleConnection,
    TransactionManager,
};
use diesel::pg::PgConnection;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::DatabaseUrl;

/// One connection to whichever database `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type QueryResult<T> = Result<T, DieselError>;

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgresql");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Counts the statements sent to the database, for the statement budget and the logs.
#[derive(Debug, Default)]
pub struct StatementCounter(AtomicU64);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Whether the database answered at the last try, shared by every connection of a pool:
/// the error pages use it to tell "database unreachable" (503) from a fault (500).
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

    fn set(&self, available: bool) {
        self.0.store(available, Ordering::Relaxed);
    }
}

/// Is this the error of a connection that is gone (server down or restarted)?
fn is_connection_error(error: &DieselError) -> bool {
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
/// remembers a failed query so that the pool can check the connection before reusing it.
struct Instrument {
    counter: Arc<StatementCounter>,
    health: Arc<Health>,
    last_query_failed: bool,
}

impl Instrumentation for Instrument {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { query, .. } => {
                self.counter.0.fetch_add(1, Ordering::Relaxed);
                log::trace!(target: "trolley::sql", "{query}");
            }
            InstrumentationEvent::FinishQuery { error, .. } => {
                self.last_query_failed = error.is_some();
                match error {
                    None => self.health.set(true),
                    Some(error) if is_connection_error(error) => self.health.set(false),
                    Some(_) => {}
                }
            }
            _ => {}
        }
    }
}

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
            last_query_failed: false,
        });
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        use diesel::r2d2::R2D2Connection;
        conn.ping().map_err(Self::Error::QueryError)
    }

    /// Diesel only knows a connection is broken mid-transaction. After a failed query the
    /// server may be gone (restarted, or down): then a ping decides, so that the pool drops
    /// dead connections and recovers by itself when the server is back.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        let failed = conn
            .instrumentation()
            .downcast_ref::<Instrument>()
            .is_some_and(|instrument| instrument.last_query_failed);
        conn.is_broken() || (failed && conn.ping().is_err())
    }
}

/// Why a database call failed, in the terms the HTTP layer needs.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Query(DieselError),
    #[error("a database task was cancelled")]
    Cancelled,
}

impl From<DieselError> for DbError {
    /// A lost connection means the database is unavailable; anything else is a fault.
    fn from(error: DieselError) -> Self {
        if is_connection_error(&error) {
            Self::Unavailable(error.to_string())
        } else {
            Self::Query(error)
        }
    }
}

impl From<r2d2::Error> for DbError {
    fn from(error: r2d2::Error) -> Self {
        Self::Unavailable(error.to_string())
    }
}

/// The pool and what the rest of the application needs to know about the database.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
    url: DatabaseUrl,
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
            url: url.clone(),
            counter,
            health,
        }
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
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

/// Runs start-up work (migrations, seeding) holding a PostgreSQL advisory lock, so that
/// instances starting together on an empty database do not race. SQLite needs none: it has
/// one writer at a time and one process per file.
pub fn with_startup_lock<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> Result<T, anyhow::Error>,
) -> Result<T, anyhow::Error> {
    const LOCK_ID: i64 = 0x0074_726f_6c6c_6579; // "trolley"
    let is_postgres = matches!(conn, DbConnection::Postgresql(_));
    if is_postgres {
        diesel::sql_query(format!("SELECT pg_advisory_lock({LOCK_ID})")).execute(conn)?;
    }
    let result = work(conn);
    if is_postgres {
        diesel::sql_query(format!("SELECT pg_advisory_unlock({LOCK_ID})")).execute(conn)?;
    }
    result
}

/// Runs `work` in a transaction that takes the write lock at once. On SQLite a deferred
/// transaction that reads and then writes can fail with SQLITE_BUSY without waiting;
/// `BEGIN IMMEDIATE` makes it wait its turn (up to the busy timeout) instead.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<DieselError>,
{
    match conn {
        DbConnection::Postgresql(_) => conn.transaction(work),
        DbConnection::Sqlite(sqlite) => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
            match work(conn) {
                Ok(value) => {
                    DbConnection::commit_transaction(conn)?;
                    Ok(value)
                }
                Err(error) => {
                    DbConnection::rollback_transaction(conn)?;
                    Err(error)
                }
            }
        }
    }
}

/// Raw SQL written with PostgreSQL's `$n` placeholders, in this connection's dialect
/// (SQLite reads them as `?n`).
pub fn dialect_sql(conn: &DbConnection, sql: &str) -> String {
    match conn {
        DbConnection::Postgresql(_) => sql.to_owned(),
        DbConnection::Sqlite(_) => sql.replace('$', "?"),
    }
}

pub fn is_unique_violation(error: &DieselError) -> bool {
    matches!(
        error,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
    )
}

pub fn is_foreign_key_violation(error: &DieselError) -> bool {
    matches!(
        error,
        DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _)
    )
}
