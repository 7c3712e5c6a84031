//! Writing a placed order: the order and its lines with the names and prices copied, its
//! confirmation email queued, the basket (and a guest's session) deleted, or an account's
//! basket emptied, and the stock
//! taken, last, so that the products' rows, which every checkout of the same product
//! needs, stay locked only for that and the commit. On PostgreSQL it is one statement
//! (`db/sql/order_write.pg.sql`); SQLite, whose statements write one table each, takes
//! several.

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Binary, Bool, Integer, Nullable, Text, Timestamp};

use super::NewOrder;
use crate::db::models::basket::{self, BasketLine};
use crate::db::models::outbox::{self, QueuedEmail};
use crate::db::models::product::{self, Taken};
use crate::db::models::session;
use crate::db::schema::orders;
use crate::db::{on_backend, sql, DbConnection, Prepared, QueryResult};
use crate::domain::OrderStatus;

/// Writes the order, with the id drawn for it on PostgreSQL. Returns the products whose
/// stock was taken: a line missing from them was short, and the caller rolls back.
pub(super) fn write(
    conn: &mut DbConnection,
    order: &NewOrder<'_>,
    order_id: Option<i64>,
    lines: &[BasketLine],
) -> QueryResult<Vec<i64>> {
    match (conn, order_id) {
        (DbConnection::Postgresql(pg), Some(order_id)) => {
            in_one_statement(pg, order, order_id, lines)
        }
        (conn, _) => one_by_one(conn, order, lines),
    }
}

/// The whole write on PostgreSQL, in one statement (`sql/order_write.pg.sql`).
fn in_one_statement(
    pg: &mut PgConnection,
    order: &NewOrder<'_>,
    order_id: i64,
    lines: &[BasketLine],
) -> QueryResult<Vec<i64>> {
    let customer = order.customer;
    let email = QueuedEmail::new(
        order_id,
        OrderStatus::Placed,
        customer.email.as_str(),
        order.now,
    );
    let column = |part: fn(&BasketLine) -> i64| lines.iter().map(part).collect::<Vec<_>>();
    let query = sql::raw(format!("{}{}", sql::ORDER_WRITE_PG, sql::TAKE_STOCK_PG))
        .bind::<BigInt, _>(order_id)
        .bind::<Text, _>(order.token.to_string())
        .bind::<Text, _>(OrderStatus::Placed.as_str())
        .bind::<Text, _>(customer.name.as_str())
        .bind::<Text, _>(customer.email.as_str())
        .bind::<Text, _>(customer.address.as_str())
        .bind::<BigInt, _>(basket::total(lines).pence())
        .bind::<Timestamp, _>(order.now)
        .bind::<Nullable<BigInt>, _>(order.account_id)
        .bind::<Text, _>(order.payment.state.as_str())
        .bind::<Nullable<Timestamp>, _>(order.payment.due_at)
        .bind::<Array<BigInt>, _>(column(|line| line.product_id))
        .bind::<Array<Text>, _>(
            lines
                .iter()
                .map(|line| line.name.as_str())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<BigInt>, _>(column(|line| line.unit_price_pence))
        .bind::<Array<Integer>, _>(lines.iter().map(|line| line.quantity).collect::<Vec<_>>())
        .bind::<Text, _>(email.kind)
        .bind::<Text, _>(email.to_address)
        .bind::<Text, _>(&email.subject)
        .bind::<Text, _>(email.state)
        .bind::<BigInt, _>(email.next_attempt_at)
        .bind::<Timestamp, _>(email.created_at)
        .bind::<Text, _>(order.basket_id.as_str())
        .bind::<Bool, _>(order.account_id.is_some())
        .bind::<Nullable<Binary>, _>(order.ends_session);
    let taken = Prepared::new(query).load::<Taken>(pg)?;
    Ok(taken.into_iter().map(|taken| taken.id).collect())
}

/// The write a statement at a time (SQLite's way).
fn one_by_one(
    conn: &mut DbConnection,
    order: &NewOrder<'_>,
    lines: &[BasketLine],
) -> QueryResult<Vec<i64>> {
    let customer = order.customer;
    let insert_order = diesel::insert_into(orders::table)
        .values((
            orders::order_token.eq(order.token.to_string()),
            orders::status.eq(OrderStatus::Placed.as_str()),
            orders::customer_name.eq(customer.name.as_str()),
            orders::customer_email.eq(customer.email.as_str()),
            orders::customer_address.eq(customer.address.as_str()),
            orders::total_pence.eq(basket::total(lines).pence()),
            orders::created_at.eq(order.now),
            orders::account_id.eq(order.account_id),
            orders::payment_state.eq(order.payment.state.as_str()),
            orders::payment_due_at.eq(order.payment.due_at),
        ))
        .returning(orders::id);
    let order_id: i64 = on_backend!(conn, backend => insert_order.get_result(backend)?);
    insert_lines(conn, order_id, lines)?;
    let to = customer.email.as_str();
    outbox::enqueue(conn, order_id, OrderStatus::Placed, to, order.now)?;
    // An account's basket stays (every session of the account names it), emptied.
    match order.account_id {
        Some(_) => basket::clear(conn, order.basket_id)?,
        None => basket::delete(conn, order.basket_id)?,
    }
    if let Some(key_hash) = order.ends_session {
        session::delete(conn, key_hash)?;
    }
    let wanted: Vec<(i64, i32)> = lines
        .iter()
        .map(|line| (line.product_id, line.quantity))
        .collect();
    product::take_stock_for(conn, &wanted)
}

/// Writes an order's lines in one statement. (Diesel's batch insert on SQLite is one
/// statement per row in a savepoint.)
fn insert_lines(conn: &mut DbConnection, order_id: i64, lines: &[BasketLine]) -> QueryResult<()> {
    let rows: Vec<String> = (0..lines.len())
        .map(|i| {
            let n = 5 * i;
            format!(
                "(${}, ${}, ${}, ${}, ${})",
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO order_lines (order_id, product_id, product_name, unit_price_pence, quantity) \
         VALUES {}",
        rows.join(", ")
    );
    let mut query = sql::raw(&sql).into_boxed();
    for line in lines {
        query = query
            .bind::<BigInt, _>(order_id)
            .bind::<BigInt, _>(line.product_id)
            .bind::<Text, _>(line.name.clone())
            .bind::<BigInt, _>(line.unit_price_pence)
            .bind::<Integer, _>(line.quantity);
    }
    query.execute(conn)?;
    Ok(())
}
