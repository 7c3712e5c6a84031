//! The database layer: the only module that knows Trolley runs on two backends.
//!
//! Queries are written once against [`DbConnection`], Diesel's multi-backend connection. The
//! few statements the two dialects spell differently (upserts, `BEGIN IMMEDIATE`, advisory
//! locks) dispatch on the variant in [`dialect`] or in the model that needs them.
//!
//! - [`pool`]: the r2d2 manager that picks the backend, and [`Db`], the pool handle;
//! - [`health`]: statement counting and the shared "is the database there" flag;
//! - [`dialect`]: transactions, placeholders, error kinds and the start-up lock;
//! - [`Prepared`]: raw SQL kept prepared on each connection, as Diesel keeps its queries;
//! - [`schema`] and [`models`]: the tables and one repository module per aggregate.

pub mod dialect;
pub mod health;
pub mod models;
pub mod pool;
mod prepared;
pub mod schema;
pub mod search;
pub mod sql;

use diesel::pg::PgConnection;
use diesel::result::Error as DieselError;
use diesel::sqlite::SqliteConnection;

pub(crate) use dialect::on_backend;
pub use dialect::{
    is_foreign_key_violation, is_unique_violation, with_startup_lock, write_transaction,
};
pub use health::{is_retryable, StatementCounter};
pub use pool::{Db, Manager};
pub use prepared::{Prepared, Returned};

/// One connection to whichever database `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

pub type QueryResult<T> = Result<T, DieselError>;

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
    /// A lost connection, a busy, locked or unwritable database, a timeout or a lost race
    /// mean the database is unavailable for now; anything else is a fault.
    fn from(error: DieselError) -> Self {
        if health::is_transient(&error) {
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
