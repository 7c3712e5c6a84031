//! Moving an order on: shipped, or cancelled with its stock put back.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::lines;
use crate::db::models::{outbox, product};
use crate::db::schema::{order_events, orders};
use crate::db::{write_transaction, DbConnection, QueryResult};
use crate::domain::{OrderStatus, Shipment};

/// What a status change came to.
#[derive(Debug, PartialEq, Eq)]
pub enum StatusChange {
    Changed,
    NotFound,
    /// The order is not in a state that can become the one asked for.
    Refused {
        current: OrderStatus,
    },
}

enum StatusAbort {
    Db(diesel::result::Error),
    Refused(OrderStatus),
    NotFound,
}

impl From<diesel::result::Error> for StatusAbort {
    fn from(error: diesel::result::Error) -> Self {
        Self::Db(error)
    }
}

/// Moves an order from placed to `next` in one transaction: a conditional update (so two
/// admins cannot both ship or cancel it) that stores how it is shipped (`shipment`; a
/// cancel passes none), the stock put back when cancelled, an event saying who did it,
/// and the email telling the shopper queued (its sender reads the shipment with the
/// order).
pub fn change_status(
    conn: &mut DbConnection,
    order_id: i64,
    next: OrderStatus,
    shipment: &Shipment,
    admin_username: &str,
    now: NaiveDateTime,
) -> QueryResult<StatusChange> {
    let result = write_transaction(conn, |conn| {
        let (current, email) = orders::table
            .find(order_id)
            .select((orders::status, orders::customer_email))
            .first::<(String, String)>(conn)
            .optional()?
            .ok_or(StatusAbort::NotFound)?;
        let current = OrderStatus::try_from(current)
            .map_err(|why| diesel::result::Error::DeserializationError(why.into()))?;
        if !current.can_become(next) {
            return Err(StatusAbort::Refused(current));
        }
        let updated = diesel::update(
            orders::table
                .filter(orders::id.eq(order_id))
                .filter(orders::status.eq(OrderStatus::Placed.as_str())),
        )
        .set((
            orders::status.eq(next.as_str()),
            orders::carrier.eq(shipment.carrier()),
            orders::tracking_number.eq(shipment.tracking_number()),
        ))
        .execute(conn)?;
        if updated != 1 {
            return Err(StatusAbort::Refused(current));
        }
        if next == OrderStatus::Cancelled {
            for line in lines(conn, order_id)? {
                product::put_back_stock(conn, line.product_id, line.quantity)?;
            }
        }
        diesel::insert_into(order_events::table)
            .values((
                order_events::order_id.eq(order_id),
                order_events::from_status.eq(OrderStatus::Placed.as_str()),
                order_events::to_status.eq(next.as_str()),
                order_events::admin_username.eq(admin_username),
                order_events::created_at.eq(now),
            ))
            .execute(conn)?;
        outbox::enqueue(conn, order_id, next, &email, now)?;
        Ok(())
    });
    match result {
        Ok(()) => Ok(StatusChange::Changed),
        Err(StatusAbort::NotFound) => Ok(StatusChange::NotFound),
        Err(StatusAbort::Refused(current)) => Ok(StatusChange::Refused { current }),
        Err(StatusAbort::Db(error)) => Err(error),
    }
}
