//! The database layer: the only module that knows Trolley runs on two backends.
//!
//! Queries are written once against [`DbConnection`], Diesel's multi-backend connection,
//! with Diesel's query builder where it can say them. The few things the two dialects do
//! differently (`RETURNING` and upserts, `BEGIN IMMEDIATE`, advisory locks) go through
//! [`dialect`]; raw SQL lives here only, the long statements in [`sql`].
//!
//! - [`pool`]: [`Db`], the pool handle, and [`manager`], the r2d2 manager that picks
//!   the backend;
//! - [`permits`]: the first-come, first-served queue for its connections;
//! - [`breaker`]: the shared "is the database there" flag, the circuit breaker;
//! - [`instrument`]: what each connection reports (statements, answers, refused writes);
//! - [`probe`]: the health check's coalesced write probes;
//! - [`errors`]: [`DbError`] and what each kind of failure means;
//! - [`dialect`]: transactions, the start-up lock, per-backend calls;
//! - [`sql`] and [`Prepared`]: the long raw statements, kept prepared on each connection;
//! - [`search`]: case-insensitive "contains" searches;
//! - [`schema`] and [`models`]: the tables and one repository module per aggregate.

pub mod breaker;
pub mod dialect;
pub mod errors;
pub mod instrument;
pub mod manager;
pub mod models;
pub mod permits;
pub mod pool;
mod prepared;
pub mod probe;
pub mod schema;
pub mod search;
pub mod sql;

use diesel::pg::PgConnection;
use diesel::result::Error as DieselError;
use diesel::sqlite::SqliteConnection;

pub(crate) use dialect::on_backend;
pub use dialect::{with_startup_lock, write_transaction};
pub use errors::{is_foreign_key_violation, is_retryable, is_unique_violation, DbError};
pub use instrument::StatementCounter;
pub use manager::Manager;
pub use permits::Waits;
pub use pool::{Db, PoolStatus};
pub use prepared::{Prepared, Returned};

/// One connection to whichever database `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type QueryResult<T> = Result<T, DieselError>;
