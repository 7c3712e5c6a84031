//! Database errors: what a failure means for the answer (a fault of the moment, 503, or
//! of the request or of Trolley, 500), and the kinds the models tell apart.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

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
        if is_transient(&error) {
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

/// The words of the faults that pass, or that an operator fixes without a change to
/// Trolley: a busy or locked database, a timeout, a database that cannot be written.
const TRANSIENT_MESSAGES: [&str; 9] = [
    // SQLite: SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_READONLY, SQLITE_FULL,
    // SQLITE_CANTOPEN.
    "database is locked",
    "database table is locked",
    "disk I/O error",
    "attempt to write a readonly database",
    "database or disk is full",
    "unable to open database file",
    // PostgreSQL: 55P03 (lock_timeout, NOWAIT) and 57014 (statement_timeout).
    "canceling statement due to lock timeout",
    "could not obtain lock",
    "canceling statement due to statement timeout",
];

/// Is this a fault of the moment rather than of the request or of Trolley: the server
/// gone, busy, locked, read-only or unwritable, a timeout, or a transaction that lost a
/// race? Such a fault answers 503 with `Retry-After`, never 500.
pub(crate) fn is_transient(error: &DieselError) -> bool {
    if is_connection_error(error) || is_retryable(error) {
        return true;
    }
    match error {
        DieselError::DatabaseError(DatabaseErrorKind::ReadOnlyTransaction, _) => true,
        DieselError::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            let message = info.message();
            TRANSIENT_MESSAGES
                .iter()
                .any(|words| message.contains(words))
        }
        _ => false,
    }
}

/// Did the transaction fail only because a concurrent one won (SQLSTATE 40001
/// serialization failure, 40P01 deadlock)? Running it again is then safe and likely to
/// succeed.
pub fn is_retryable(error: &DieselError) -> bool {
    match error {
        DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        DieselError::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            info.message().contains("deadlock detected")
        }
        _ => false,
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
