//! The payment deadline: orders still awaiting payment past it are cancelled by the shop,
//! their payment expired, their stock put back and the shopper told, each once even with
//! several instances looking.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::status::cancelled;
use crate::db::schema::orders;
use crate::db::{sql, write_transaction, DbConnection, Prepared, QueryResult};
use crate::domain::{OrderStatus, PaymentState};

/// Who cancels an order not paid in time, in its history.
pub const DEADLINE_ACTOR: &str = "the shop (not paid in time)";

#[derive(QueryableByName)]
struct Overdue {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    customer_email: String,
}

const OVERDUE_SQL: &str = "SELECT id, customer_email FROM orders \
     WHERE status = 'placed' AND payment_state = 'awaiting' AND payment_due_at <= $1 \
     ORDER BY payment_due_at, id LIMIT 1";

/// Cancels the first order awaiting payment past its deadline at `now`, in one
/// transaction: status cancelled, payment expired, stock back, events and the email. Its
/// id, or `None` when no order is overdue. On PostgreSQL the order's row is claimed with
/// `FOR UPDATE SKIP LOCKED`, so that instances share the work without waiting for each
/// other, and a payment being recorded meanwhile waits for the claim and then finds the
/// order no longer awaiting (or the claim finds it paid): one or the other, never both.
/// SQLite's IMMEDIATE transaction is the lock.
pub fn cancel_next_overdue(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    write_transaction(conn, |conn| {
        let sql = match conn {
            DbConnection::Postgresql(_) => format!("{OVERDUE_SQL} FOR UPDATE SKIP LOCKED"),
            DbConnection::Sqlite(_) => OVERDUE_SQL.to_owned(),
        };
        let query = sql::raw(sql).bind::<Timestamp, _>(now);
        let Some(order) = Prepared::new(query).load::<Overdue>(conn)?.pop() else {
            return Ok(None);
        };
        let updated = diesel::update(
            orders::table
                .filter(orders::id.eq(order.id))
                .filter(orders::status.eq(OrderStatus::Placed.as_str()))
                .filter(orders::payment_state.eq(PaymentState::Awaiting.as_str())),
        )
        .set((
            orders::status.eq(OrderStatus::Cancelled.as_str()),
            orders::payment_state.eq(PaymentState::Expired.as_str()),
            orders::payment_due_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
        if updated == 1 {
            let change = (PaymentState::Awaiting, PaymentState::Expired);
            cancelled(
                conn,
                order.id,
                change,
                DEADLINE_ACTOR,
                &order.customer_email,
                now,
            )?;
        }
        Ok(Some(order.id))
    })
}
