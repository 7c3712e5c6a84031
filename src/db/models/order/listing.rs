//! The orders list an admin filters and searches, its summary, and the chart's figures.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Order;
use crate::db::schema::{order_lines, orders};
use crate::db::{search, DbConnection, QueryResult};
use crate::domain::{OrderNumber, OrderStatus, PaymentState};

type Backend = <DbConnection as Connection>::Backend;

/// Which orders an admin is looking at.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub payment: Option<PaymentState>,
    /// Matches an order number (`42`, `#42`, `T000042`), or part of a name or email.
    pub query: Option<String>,
}

fn filtered(filter: &OrderFilter) -> orders::BoxedQuery<'static, Backend> {
    let mut query = orders::table.into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(orders::status.eq(status.as_str()));
    }
    if let Some(payment) = filter.payment {
        query = query.filter(orders::payment_state.eq(payment.as_str()));
    }
    if let Some(text) = filter
        .query
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        // No order has id 0: a text that is not a number matches by name or email only.
        let id = OrderNumber::parse(text).map_or(0, OrderNumber::id);
        query = query.filter(
            search::contains(orders::customer_name, text)
                .or(search::contains(orders::customer_email, text))
                .or(orders::id.eq(id)),
        );
    }
    query
}

/// One page of the orders matching `filter`, newest first.
pub fn list(
    conn: &mut DbConnection,
    filter: &OrderFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<Order>> {
    filtered(filter)
        .select(Order::as_select())
        .order(orders::id.desc())
        .limit(limit)
        .offset(offset)
        .load(conn)
}

/// Every order matching `filter`, newest first (the CSV export).
pub fn list_all(conn: &mut DbConnection, filter: &OrderFilter) -> QueryResult<Vec<Order>> {
    filtered(filter)
        .select(Order::as_select())
        .order(orders::id.desc())
        .load(conn)
}

/// How many orders match, and their total in pence.
pub fn summary(conn: &mut DbConnection, filter: &OrderFilter) -> QueryResult<(i64, i64)> {
    filtered(filter)
        .select(diesel::dsl::sql::<(
            diesel::sql_types::BigInt,
            diesel::sql_types::BigInt,
        )>(
            "COUNT(*), CAST(COALESCE(SUM(total_pence), 0) AS BIGINT)"
        ))
        .first(conn)
}

/// (placed at, total in pence) of the orders matching `filter` placed since `since`; with
/// no status in the filter, cancelled ones are left out.
pub fn placed_since(
    conn: &mut DbConnection,
    filter: &OrderFilter,
    since: NaiveDateTime,
) -> QueryResult<Vec<(NaiveDateTime, i64)>> {
    let mut query = filtered(filter).filter(orders::created_at.ge(since));
    if filter.status.is_none() {
        query = query.filter(orders::status.ne(OrderStatus::Cancelled.as_str()));
    }
    query
        .select((orders::created_at, orders::total_pence))
        .load(conn)
}

/// Line counts per order, for a page of orders.
pub fn item_counts(conn: &mut DbConnection, order_ids: &[i64]) -> QueryResult<Vec<(i64, i32)>> {
    order_lines::table
        .filter(order_lines::order_id.eq_any(order_ids))
        .select((order_lines::order_id, order_lines::quantity))
        .load(conn)
}
