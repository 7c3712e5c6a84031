//! An order's payment: recording a bank transfer's arrival, once, and the history of its
//! payment state.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::status::states;
use crate::db::schema::{orders, payment_events};
use crate::db::{write_transaction, DbConnection, QueryResult};
use crate::domain::{OrderStatus, PaymentState};

/// One change of an order's payment state.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payment_events)]
pub struct PaymentEvent {
    pub id: i64,
    pub order_id: i64,
    pub from_state: String,
    pub to_state: String,
    pub reference: Option<String>,
    /// The admin who made it, or the shop itself.
    pub actor: String,
    pub created_at: NaiveDateTime,
}

/// An order's payment history, oldest first.
pub fn payment_events(conn: &mut DbConnection, order_id: i64) -> QueryResult<Vec<PaymentEvent>> {
    payment_events::table
        .filter(payment_events::order_id.eq(order_id))
        .select(PaymentEvent::as_select())
        .order(payment_events::id)
        .load(conn)
}

/// Writes the event of order `order_id`'s payment going `from` → `to`, by `actor`. Called
/// in the transaction that makes the change.
pub(super) fn record_event(
    conn: &mut DbConnection,
    order_id: i64,
    (from, to): (PaymentState, PaymentState),
    reference: Option<&str>,
    actor: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(payment_events::table)
        .values((
            payment_events::order_id.eq(order_id),
            payment_events::from_state.eq(from.as_str()),
            payment_events::to_state.eq(to.as_str()),
            payment_events::reference.eq(reference),
            payment_events::actor.eq(actor),
            payment_events::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// What recording a payment came to.
#[derive(Debug, PartialEq, Eq)]
pub enum PaymentRecord {
    Recorded,
    NotFound,
    /// Its payment was recorded before (with this reference): nothing changed.
    AlreadyPaid {
        reference: Option<String>,
    },
    /// It awaits no payment (none is needed, or it was cancelled, its payment expired).
    Refused {
        status: OrderStatus,
        payment: PaymentState,
    },
}

/// Records that order `order_id`'s payment arrived, with the payer's `reference`, as
/// `admin` says: once. A conditional update takes it from awaiting to paid (so a second
/// record, or one racing the deadline's cancellation, finds it no longer awaiting and
/// changes nothing), and the event is written in the same transaction.
pub fn record_payment(
    conn: &mut DbConnection,
    order_id: i64,
    reference: &str,
    admin: &str,
    now: NaiveDateTime,
) -> QueryResult<PaymentRecord> {
    write_transaction(conn, |conn| {
        let updated = diesel::update(
            orders::table
                .filter(orders::id.eq(order_id))
                .filter(orders::status.eq(OrderStatus::Placed.as_str()))
                .filter(orders::payment_state.eq(PaymentState::Awaiting.as_str())),
        )
        .set((
            orders::payment_state.eq(PaymentState::Paid.as_str()),
            orders::payment_reference.eq(reference),
            orders::payment_due_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
        if updated == 1 {
            let change = (PaymentState::Awaiting, PaymentState::Paid);
            record_event(conn, order_id, change, Some(reference), admin, now)?;
            return Ok(PaymentRecord::Recorded);
        }
        let Some((status, payment, _)) = states(conn, order_id)? else {
            return Ok(PaymentRecord::NotFound);
        };
        if payment == PaymentState::Paid {
            let reference = orders::table
                .find(order_id)
                .select(orders::payment_reference)
                .first(conn)?;
            return Ok(PaymentRecord::AlreadyPaid { reference });
        }
        Ok(PaymentRecord::Refused { status, payment })
    })
}
