//! What is read back from the outbox: its pages for admins, the count of failed emails
//! the admin header shows, an order's emails, and what a receipt may say is on its way.

use diesel::prelude::*;

use super::OutboxEmail;
use crate::db::schema::outbox;
use crate::db::{DbConnection, QueryResult};
use crate::domain::{EmailState, OrderStatus};

/// One page of the outbox, newest first.
pub fn list(conn: &mut DbConnection, limit: i64, offset: i64) -> QueryResult<Vec<OutboxEmail>> {
    outbox::table
        .select(OutboxEmail::as_select())
        .order(outbox::id.desc())
        .limit(limit)
        .offset(offset)
        .load(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    outbox::table.count().get_result(conn)
}

/// How many emails have failed for good (and wait for an admin): the admin header's count.
/// One statement, read from the index on (state, next_attempt_at).
pub fn count_failed(conn: &mut DbConnection) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::state.eq(EmailState::Failed.as_str()))
        .count()
        .get_result(conn)
}

/// Every email of order `order_id`, oldest first.
pub fn for_order(conn: &mut DbConnection, order_id: i64) -> QueryResult<Vec<OutboxEmail>> {
    outbox::table
        .filter(outbox::order_id.eq(order_id))
        .select(OutboxEmail::as_select())
        .order(outbox::id)
        .load(conn)
}

/// The newest email for an order that is queued or sent, if any: what its receipt may
/// say is on its way.
pub fn latest_live_for_order(
    conn: &mut DbConnection,
    order_id: i64,
) -> QueryResult<Option<OrderStatus>> {
    let kind: Option<String> = outbox::table
        .filter(outbox::order_id.eq(order_id))
        .filter(outbox::state.ne(EmailState::Failed.as_str()))
        .order(outbox::id.desc())
        .select(outbox::kind)
        .first(conn)
        .optional()?;
    Ok(kind.and_then(|kind| OrderStatus::parse(&kind)))
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<OutboxEmail>> {
    outbox::table
        .find(id)
        .select(OutboxEmail::as_select())
        .first(conn)
        .optional()
}
