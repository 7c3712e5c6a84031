//! What the two dialects do differently: write transactions, the start-up lock, and the one place that picks the backend's own connection ([`on_backend`]).

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::result::Error as DieselError;
use diesel::{Connection, RunQueryDsl};

use super::sql;
use super::DbConnection;

/// Every PostgreSQL connection's limits: a statement waiting for a lock, or running,
/// longer than this fails (then 503 with `Retry-After`), so that a busy or locked database
/// answers within 5 s instead of holding the request.
pub(crate) const POSTGRES_TIMEOUTS: &str = "SET lock_timeout = '3s'; SET statement_timeout = '4s'";

/// Start-up work (migrations, seeding) may wait for another instance's and may take long.
const POSTGRES_NO_TIMEOUTS: &str = "SET lock_timeout = 0; SET statement_timeout = 0";

/// Runs `$body` with `$backend` bound to the connection of whichever backend `$conn` is:
/// for what Diesel's multi-backend connection does not offer itself (`RETURNING`,
/// `ON CONFLICT`), written once for both.
macro_rules! on_backend {
    ($conn:expr, $backend:ident => $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgresql($backend) => $body,
            $crate::db::DbConnection::Sqlite($backend) => $body,
        }
    };
}
pub(crate) use on_backend;

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
        conn.batch_execute(POSTGRES_NO_TIMEOUTS)?;
        sql::raw(format!("SELECT pg_advisory_lock({LOCK_ID})")).execute(conn)?;
    }
    let result = work(conn);
    if is_postgres {
        sql::raw(format!("SELECT pg_advisory_unlock({LOCK_ID})")).execute(conn)?;
        conn.batch_execute(POSTGRES_TIMEOUTS)?;
    }
    result
}
