//! The orders list an admin filters and searches, its summary, and the chart's figures.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::Order;
use crate::db::schema::{order_lines, orders, payment_events};
use crate::db::{search, DbConnection, QueryResult};
use crate::domain::{Money, OrderNumber, OrderStatus, PaymentState};

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

/// The orders matching a filter, and the revenue among them (see
/// [`OrderStatus::counts_as_revenue`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub orders: i64,
    /// How many of them count as revenue, and their total.
    pub revenue_orders: i64,
    pub revenue: Money,
}

/// How many orders match `filter`, and the revenue among them, in one statement. The
/// statuses that count are [`OrderStatus::revenue_statuses`], written into the SQL as
/// literals (they are the enum's own constants, never input).
pub fn summary(conn: &mut DbConnection, filter: &OrderFilter) -> QueryResult<Summary> {
    let counted = OrderStatus::revenue_statuses()
        .iter()
        .map(|status| format!("'{status}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let columns = format!(
        "COUNT(*), COUNT(CASE WHEN status IN ({counted}) THEN 1 END), \
         CAST(COALESCE(SUM(CASE WHEN status IN ({counted}) THEN total_pence END), 0) AS BIGINT)"
    );
    let (orders, revenue_orders, pence) = filtered(filter)
        .select(diesel::dsl::sql::<(BigInt, BigInt, BigInt)>(&columns))
        .first::<(i64, i64, i64)>(conn)?;
    Ok(Summary {
        orders,
        revenue_orders,
        revenue: Money::from_pence(pence),
    })
}

/// (placed at, total in pence) of the orders matching `filter` placed since `since` that
/// count as revenue (see [`OrderStatus::counts_as_revenue`]): the chart's figures.
pub fn revenue_since(
    conn: &mut DbConnection,
    filter: &OrderFilter,
    since: NaiveDateTime,
) -> QueryResult<Vec<(NaiveDateTime, i64)>> {
    filtered(filter)
        .filter(orders::created_at.ge(since))
        .filter(orders::status.eq_any(OrderStatus::revenue_statuses()))
        .select((orders::created_at, orders::total_pence))
        .load(conn)
}

/// Line counts per order, for a page of orders.
/// Of `order_ids`, those paid now after their payment had expired (and their stock gone
/// back): an admin must look at them before shipping.
pub fn paid_late(conn: &mut DbConnection, order_ids: &[i64]) -> QueryResult<Vec<i64>> {
    let late = payment_events::table
        .filter(payment_events::order_id.eq(orders::id))
        .filter(payment_events::from_state.eq(PaymentState::Expired.as_str()))
        .filter(payment_events::to_state.eq(PaymentState::Paid.as_str()));
    orders::table
        .filter(orders::id.eq_any(order_ids))
        .filter(orders::payment_state.eq(PaymentState::Paid.as_str()))
        .filter(diesel::dsl::exists(late))
        .select(orders::id)
        .load(conn)
}

pub fn item_counts(conn: &mut DbConnection, order_ids: &[i64]) -> QueryResult<Vec<(i64, i32)>> {
    order_lines::table
        .filter(order_lines::order_id.eq_any(order_ids))
        .select((order_lines::order_id, order_lines::quantity))
        .load(conn)
}
