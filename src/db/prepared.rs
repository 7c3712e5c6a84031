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
//! safe to keep. A write that must be kept returns a row (`RETURNING`) and is loaded.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};

/// A statement whose text is the same on every call with the same shape: its values are
/// bound, never written into it. Text that varies (a list of one placeholder group per
/// line, say) makes one cache entry per shape, so it must vary within a small bound.
#[derive(Debug, Clone)]
pub struct Prepared<Q>(pub Q);

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
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q: Query> Query for Prepared<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> RunQueryDsl<Conn> for Prepared<Q> {}
