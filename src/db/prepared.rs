//! Raw SQL that each connection keeps prepared, as Diesel keeps its own queries.
//!
//! Diesel never keeps a `sql_query` prepared, as its text might be built from values; so
//! PostgreSQL parses and plans it on every call, which on the hot paths (adding to a
//! basket, checking out) costs more than running it. [`Prepared`] wraps a `sql_query`
//! whose text is fixed (its values bound, never written in) so that Diesel's statement
//! cache keeps it, keyed by its text.
//!
//! Only statements that are loaded (`load`, `get_result`) are kept: Diesel's `execute`
//! passes the statement on by reference, and a reference does not carry what marks it
//! safe to keep. A write that must be kept returns a row (`RETURNING 1 AS returned`) and
//! is loaded as [`Returned`].

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::Integer;
use diesel::QueryableByName;
use diesel::{QueryResult, RunQueryDsl};

/// How many lines a statement with one group of placeholders per line may have and still
/// be kept: each count is a statement of its own, so only the common ones are kept.
pub const MAX_KEPT_LINES: usize = 8;

/// A statement whose text is the same on every call with the same shape: its values are
/// bound, never written into it.
#[derive(Debug, Clone)]
pub struct Prepared<Q> {
    query: Q,
    keep: bool,
}

impl<Q> Prepared<Q> {
    pub fn new(query: Q) -> Self {
        Self { query, keep: true }
    }

    /// A statement written with one group of placeholders for each of `lines` lines: kept
    /// only up to [`MAX_KEPT_LINES`].
    pub fn with_lines(query: Q, lines: usize) -> Self {
        Self {
            query,
            keep: lines <= MAX_KEPT_LINES,
        }
    }
}

impl<Q> QueryId for Prepared<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, DB> QueryFragment<DB> for Prepared<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(self.keep)
    }
}

impl<Q: Query> Query for Prepared<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> RunQueryDsl<Conn> for Prepared<Q> {}

/// The row a statement returns only so that it can be loaded, and so kept prepared: one
/// per row written (or locked), from `RETURNING 1 AS returned`.
#[derive(Debug, QueryableByName)]
pub struct Returned {
    #[diesel(sql_type = Integer)]
    #[allow(dead_code)] // read by Diesel only
    returned: i32,
}
