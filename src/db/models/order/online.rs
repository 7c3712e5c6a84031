//! An order paid online (Stripe Checkout): its current Checkout Session, the payment
//! confirmed once whichever of the webhook and the return page comes first, the session's
//! expiry putting the stock back, the refund recorded once, and the inbox of provider
//! events, each taken once.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::payment::record_event;
use super::status::{cancelled, states};
use crate::db::schema::{orders, stripe_events};
use crate::db::{on_backend, write_transaction, DbConnection, QueryResult};
use crate::domain::{OrderStatus, PaymentState};

/// Who confirms, expires or refunds an online payment, in the order's history.
pub const PROVIDER_ACTOR: &str = "Stripe";

/// What an admin is told of an order paid after its stock went back (its payment history
/// holds the change from expired to paid).
pub const LATE_PAYMENT_FLAG: &str = "Paid after its payment had expired and its stock had \
     gone back: check the stock before shipping, or cancel it to refund the payer.";

/// Records `session_id` as order `order_id`'s Checkout Session number `attempt`: only
/// while that attempt is the current one and the order awaits payment. Whether it was.
pub fn record_session(
    conn: &mut DbConnection,
    order_id: i64,
    attempt: i32,
    session_id: &str,
) -> QueryResult<bool> {
    let updated = diesel::update(
        orders::table
            .filter(orders::id.eq(order_id))
            .filter(orders::payment_attempt.eq(attempt))
            .filter(orders::payment_state.eq(PaymentState::Awaiting.as_str())),
    )
    .set(orders::stripe_session_id.eq(session_id))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Moves order `order_id` on to its next Checkout Session, its current one (`attempt`)
/// having expired without a payment: a new key, so the next session made is a new one.
/// Conditional on the attempt, so that two shoppers' tabs move it on once.
pub fn next_attempt(conn: &mut DbConnection, order_id: i64, attempt: i32) -> QueryResult<bool> {
    let updated = diesel::update(
        orders::table
            .filter(orders::id.eq(order_id))
            .filter(orders::payment_attempt.eq(attempt))
            .filter(orders::payment_state.eq(PaymentState::Awaiting.as_str())),
    )
    .set((
        orders::payment_attempt.eq(attempt + 1),
        orders::stripe_session_id.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// What confirming an online payment came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Confirmation {
    /// Awaiting until now: paid.
    Confirmed,
    /// Paid (or refunded) already: nothing changed.
    AlreadyPaid,
    /// Its payment had expired and its stock gone back: it is paid now and placed again,
    /// its history saying so for an admin (the payment wins; nothing is silently
    /// oversold).
    LatePayment,
    /// No such order, or one that needs no payment.
    NotFound,
}

/// Confirms that order `order_id` was paid, with the provider's `reference` (the
/// PaymentIntent): once, however many confirmations race (the webhook, the return page,
/// two instances). A conditional update takes it from awaiting (or expired) to paid and
/// writes the event in the same transaction; the unique index on "paid" events is the
/// last guard.
pub fn confirm_paid(
    conn: &mut DbConnection,
    order_id: i64,
    reference: &str,
    now: NaiveDateTime,
) -> QueryResult<Confirmation> {
    write_transaction(conn, |conn| confirm_in(conn, order_id, reference, now))
}

fn confirm_in(
    conn: &mut DbConnection,
    order_id: i64,
    reference: &str,
    now: NaiveDateTime,
) -> QueryResult<Confirmation> {
    {
        let Some((status, payment, _)) = states(conn, order_id)? else {
            return Ok(Confirmation::NotFound);
        };
        let outcome = match (status, payment) {
            (OrderStatus::Placed, PaymentState::Awaiting) => Confirmation::Confirmed,
            (_, PaymentState::Expired) => Confirmation::LatePayment,
            (_, PaymentState::Paid | PaymentState::Refunded) => {
                return Ok(Confirmation::AlreadyPaid)
            }
            _ => return Ok(Confirmation::NotFound),
        };
        let updated = diesel::update(
            orders::table
                .filter(orders::id.eq(order_id))
                .filter(orders::status.eq(status.as_str()))
                .filter(orders::payment_state.eq(payment.as_str())),
        )
        .set((
            orders::status.eq(OrderStatus::Placed.as_str()),
            orders::payment_state.eq(PaymentState::Paid.as_str()),
            orders::payment_reference.eq(reference),
            orders::payment_due_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
        if updated != 1 {
            // Changed since it was read (PostgreSQL's READ COMMITTED): paid by the other.
            return Ok(Confirmation::AlreadyPaid);
        }
        let change = (payment, PaymentState::Paid);
        record_event(conn, order_id, change, Some(reference), PROVIDER_ACTOR, now)?;
        Ok(outcome)
    }
}

/// Order `order_id`'s Checkout Session `session_id` expired unpaid: when it is still the
/// order's current session and the order awaits payment, the payment expires, the order
/// is cancelled, its stock goes back and the shopper is told, in one transaction.
/// Whether it did.
pub fn expire_session(
    conn: &mut DbConnection,
    order_id: i64,
    session_id: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_transaction(conn, |conn| expire_in(conn, order_id, session_id, now))
}

fn expire_in(
    conn: &mut DbConnection,
    order_id: i64,
    session_id: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    {
        let Some((_, _, email)) = states(conn, order_id)? else {
            return Ok(false);
        };
        let updated = diesel::update(
            orders::table
                .filter(orders::id.eq(order_id))
                .filter(orders::stripe_session_id.eq(session_id))
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
            cancelled(conn, order_id, change, PROVIDER_ACTOR, &email, now)?;
        }
        Ok(updated == 1)
    }
}

/// Records the refund `refund_id` of cancelled order `order_id`'s payment, by `actor`:
/// once (paid → refunded). Whether this call recorded it.
pub fn record_refund(
    conn: &mut DbConnection,
    order_id: i64,
    refund_id: &str,
    actor: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_transaction(conn, |conn| {
        let updated = diesel::update(
            orders::table
                .filter(orders::id.eq(order_id))
                .filter(orders::status.eq(OrderStatus::Cancelled.as_str()))
                .filter(orders::payment_state.eq(PaymentState::Paid.as_str())),
        )
        .set(orders::payment_state.eq(PaymentState::Refunded.as_str()))
        .execute(conn)?;
        if updated == 1 {
            let change = (PaymentState::Paid, PaymentState::Refunded);
            record_event(conn, order_id, change, Some(refund_id), actor, now)?;
        }
        Ok(updated == 1)
    })
}

/// What a provider's event asks of an order.
#[derive(Debug, Clone, Copy)]
pub enum ProviderEvent<'a> {
    /// Its payment arrived (`reference`: the PaymentIntent).
    Paid { order_id: i64, reference: &'a str },
    /// Its Checkout Session `session_id` expired unpaid.
    Expired { order_id: i64, session_id: &'a str },
    /// Nothing Trolley acts on (another type, or an order it does not know).
    Ignored,
}

/// What taking an event came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Taken {
    /// Its id was in the inbox already: nothing changed.
    Duplicate,
    Paid(Confirmation),
    /// Whether the order's payment expired with it.
    Expired(bool),
    Ignored,
}

/// Takes the provider's event `id` into the inbox and makes its change, in one
/// transaction: a duplicate, a replay or a retry of an event already there changes
/// nothing, and an event whose change fails (the database down) is not recorded, so the
/// provider's retry makes it.
pub fn take_event(
    conn: &mut DbConnection,
    id: &str,
    kind: &str,
    event: ProviderEvent<'_>,
    now: NaiveDateTime,
) -> QueryResult<Taken> {
    write_transaction(conn, |conn| {
        let insert = diesel::insert_into(stripe_events::table)
            .values((
                stripe_events::id.eq(id),
                stripe_events::kind.eq(kind),
                stripe_events::received_at.eq(now),
            ))
            .on_conflict_do_nothing();
        let inserted = on_backend!(conn, backend => insert.execute(backend))?;
        if inserted != 1 {
            return Ok(Taken::Duplicate);
        }
        Ok(match event {
            ProviderEvent::Paid {
                order_id,
                reference,
            } => Taken::Paid(confirm_in(conn, order_id, reference, now)?),
            ProviderEvent::Expired {
                order_id,
                session_id,
            } => Taken::Expired(expire_in(conn, order_id, session_id, now)?),
            ProviderEvent::Ignored => Taken::Ignored,
        })
    })
}
