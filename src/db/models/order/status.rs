//! Moving an order on: shipped (once paid, when payment is needed), or cancelled with its
//! stock put back.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{lines, payment};
use crate::db::models::{outbox, product};
use crate::db::schema::{order_events, orders};
use crate::db::{write_transaction, DbConnection, QueryResult};
use crate::domain::{OrderStatus, PaymentState, Shipment};

/// What a status change came to.
#[derive(Debug, PartialEq, Eq)]
pub enum StatusChange {
    Changed {
        /// The payment state the order had, and has now (a cancelled order awaiting
        /// payment awaits it no more: expired).
        payment: (PaymentState, PaymentState),
    },
    NotFound,
    /// The order is not in a state that can become the one asked for: its status does
    /// not allow it, or it is not paid for yet.
    Refused {
        current: OrderStatus,
        payment: PaymentState,
    },
}

enum StatusAbort {
    Db(diesel::result::Error),
    Refused(OrderStatus, PaymentState),
    NotFound,
}

impl From<diesel::result::Error> for StatusAbort {
    fn from(error: diesel::result::Error) -> Self {
        Self::Db(error)
    }
}

/// An order's status and payment state, with the address its emails go to.
pub(super) fn states(
    conn: &mut DbConnection,
    order_id: i64,
) -> QueryResult<Option<(OrderStatus, PaymentState, String)>> {
    let found = orders::table
        .find(order_id)
        .select((
            orders::status,
            orders::payment_state,
            orders::customer_email,
        ))
        .first::<(String, String, String)>(conn)
        .optional()?;
    let decode = |why: String| diesel::result::Error::DeserializationError(why.into());
    found
        .map(|(status, payment, email)| {
            let status = OrderStatus::try_from(status).map_err(decode)?;
            let payment = PaymentState::try_from(payment).map_err(decode)?;
            Ok((status, payment, email))
        })
        .transpose()
}

/// Moves an order from placed to `next` in one transaction: a conditional update on its
/// status and payment state (so two admins cannot both ship or cancel it, and a payment
/// or the deadline in between is not overlooked) that stores how it is shipped
/// (`shipment`; a cancel passes none), the stock put back when cancelled, an event saying
/// who did it, and the email telling the shopper queued. Shipping needs the order paid,
/// or needing no payment.
pub fn change_status(
    conn: &mut DbConnection,
    order_id: i64,
    next: OrderStatus,
    shipment: &Shipment,
    admin_username: &str,
    now: NaiveDateTime,
) -> QueryResult<StatusChange> {
    let result = write_transaction(conn, |conn| {
        let (current, payment, email) = states(conn, order_id)?.ok_or(StatusAbort::NotFound)?;
        let allowed =
            current.can_become(next) && (next != OrderStatus::Shipped || payment.allows_shipping());
        if !allowed {
            return Err(StatusAbort::Refused(current, payment));
        }
        let after = match (next, payment) {
            (OrderStatus::Cancelled, PaymentState::Awaiting) => PaymentState::Expired,
            _ => payment,
        };
        let updated = diesel::update(
            orders::table
                .filter(orders::id.eq(order_id))
                .filter(orders::status.eq(OrderStatus::Placed.as_str()))
                .filter(orders::payment_state.eq(payment.as_str())),
        )
        .set((
            orders::status.eq(next.as_str()),
            orders::payment_state.eq(after.as_str()),
            orders::payment_due_at.eq(None::<NaiveDateTime>),
            orders::carrier.eq(shipment.carrier()),
            orders::tracking_number.eq(shipment.tracking_number()),
        ))
        .execute(conn)?;
        if updated != 1 {
            // Changed since it was read (PostgreSQL): say how it is now.
            let (current, payment, _) = states(conn, order_id)?.ok_or(StatusAbort::NotFound)?;
            return Err(StatusAbort::Refused(current, payment));
        }
        if next == OrderStatus::Cancelled {
            let change = (payment, after);
            cancelled(conn, order_id, change, admin_username, &email, now)?;
        } else {
            record_event(conn, order_id, next, admin_username, now)?;
            outbox::enqueue(conn, order_id, next, &email, now)?;
        }
        Ok((payment, after))
    });
    match result {
        Ok(payment) => Ok(StatusChange::Changed { payment }),
        Err(StatusAbort::NotFound) => Ok(StatusChange::NotFound),
        Err(StatusAbort::Refused(current, payment)) => {
            Ok(StatusChange::Refused { current, payment })
        }
        Err(StatusAbort::Db(error)) => Err(error),
    }
}

/// What follows an order's cancellation, in its transaction: its stock put back, the
/// events saying who cancelled it (and how its payment changed), and the email queued.
pub(super) fn cancelled(
    conn: &mut DbConnection,
    order_id: i64,
    (payment, after): (PaymentState, PaymentState),
    by: &str,
    email: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    // The products in one order (by id), as checkout takes them: no two transactions
    // putting stock back lock the same products in opposite orders.
    let mut lines = lines(conn, order_id)?;
    lines.sort_by_key(|line| line.product_id);
    for line in lines {
        product::put_back_stock(conn, line.product_id, line.quantity)?;
    }
    record_event(conn, order_id, OrderStatus::Cancelled, by, now)?;
    if after != payment {
        payment::record_event(conn, order_id, (payment, after), None, by, now)?;
    }
    outbox::enqueue(conn, order_id, OrderStatus::Cancelled, email, now)
}

fn record_event(
    conn: &mut DbConnection,
    order_id: i64,
    next: OrderStatus,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(order_events::table)
        .values((
            order_events::order_id.eq(order_id),
            order_events::from_status.eq(OrderStatus::Placed.as_str()),
            order_events::to_status.eq(next.as_str()),
            order_events::admin_username.eq(by),
            order_events::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
