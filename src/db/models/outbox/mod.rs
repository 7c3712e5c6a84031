//! The outbox: emails queued in the same transaction as their event (an order's, or an
//! account's password reset), claimed by the senders, and marked sent or failed.

mod listing;
mod resend;

pub use listing::{count, count_failed, find, for_order, latest_live_for_order, list};
pub use resend::{resend, Resend};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::schema::outbox;
use crate::db::sql;
use crate::db::{write_transaction, DbConnection, Prepared, QueryResult};
use crate::domain::{EmailKind, EmailState, OrderEmail, OrderNumber, OrderStatus, ResetEmail};

/// One email of the outbox: about an order (`order_id`) or about an account
/// (`account_id`), never both. `Debug` leaves out `secret`.
#[derive(Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxEmail {
    pub id: i64,
    pub order_id: Option<i64>,
    #[diesel(deserialize_as = String)]
    pub kind: EmailKind,
    pub to_address: String,
    pub subject: String,
    #[diesel(deserialize_as = String)]
    pub state: EmailState,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: i64,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    /// When the sender holding it began this attempt (Unix milliseconds); `None` while
    /// no sender holds it.
    pub claimed_at: Option<i64>,
    pub account_id: Option<i64>,
    /// A password reset's raw token: kept only until its email is sent or given up.
    pub secret: Option<String>,
    /// How many times an admin has queued it again (see [`resend`]).
    pub resends: i32,
}

impl std::fmt::Debug for OutboxEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (id, kind, state) = (self.id, self.kind, self.state);
        write!(f, "OutboxEmail {id} ({kind}, {state})")
    }
}

impl OutboxEmail {
    /// The order email it is; `None` for an account's email.
    pub fn order_email(&self) -> Option<OrderEmail> {
        let (status, order_id) = (self.kind.order_status()?, self.order_id?);
        Some(OrderEmail::new(OrderNumber::from_id(order_id), status))
    }

    /// How long a sender has been sending it, at `now_ms`: `Some` while it is queued, a
    /// sender holds it, and that sender's lease (which ends at `next_attempt_at`) runs.
    pub fn sending_for_ms(&self, now_ms: i64) -> Option<i64> {
        let claimed_at = self.claimed_at?;
        (self.state == EmailState::Queued && now_ms < self.next_attempt_at)
            .then(|| now_ms.saturating_sub(claimed_at).max(0))
    }
}

/// The row that queues the email for order `order_id` becoming `kind`, due at `now`: the
/// one place its values are made, for [`enqueue`] and for the checkout's single statement
/// on PostgreSQL.
#[derive(Debug, Clone)]
pub struct QueuedEmail<'a> {
    pub order_id: i64,
    pub kind: &'static str,
    pub to_address: &'a str,
    pub subject: String,
    pub state: &'static str,
    pub next_attempt_at: i64,
    pub created_at: NaiveDateTime,
}

impl<'a> QueuedEmail<'a> {
    pub fn new(order_id: i64, kind: OrderStatus, to_address: &'a str, now: NaiveDateTime) -> Self {
        let email = OrderEmail::new(OrderNumber::from_id(order_id), kind);
        Self {
            order_id,
            kind: kind.as_str(),
            to_address,
            subject: email.subject(),
            state: EmailState::Queued.as_str(),
            next_attempt_at: now.and_utc().timestamp_millis(),
            created_at: now,
        }
    }
}

/// Queues the email for order `order_id` becoming `kind`. Called inside the transaction
/// that makes the change, so that the email exists exactly when the change does.
pub fn enqueue(
    conn: &mut DbConnection,
    order_id: i64,
    kind: OrderStatus,
    to_address: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let email = QueuedEmail::new(order_id, kind, to_address, now);
    diesel::insert_into(outbox::table)
        .values((
            outbox::order_id.eq(email.order_id),
            outbox::kind.eq(email.kind),
            outbox::to_address.eq(email.to_address),
            outbox::subject.eq(&email.subject),
            outbox::state.eq(email.state),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(email.next_attempt_at),
            outbox::created_at.eq(email.created_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Queues the email with a link to choose a new password for account `account_id`, the raw
/// `token` kept until it is sent or given up. Called in the transaction storing its hash.
pub fn enqueue_reset(
    conn: &mut DbConnection,
    account_id: i64,
    to_address: &str,
    token: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values((
            outbox::account_id.eq(account_id),
            outbox::kind.eq(EmailKind::Reset.as_str()),
            outbox::to_address.eq(to_address),
            outbox::subject.eq(ResetEmail::SUBJECT),
            outbox::state.eq(EmailState::Queued.as_str()),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now.and_utc().timestamp_millis()),
            outbox::created_at.eq(now),
            outbox::secret.eq(token),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Claims up to `limit` queued emails due at `now_ms` (Unix milliseconds): counts the
/// attempt and moves each on by `lease_ms`, so that no other sender takes it meanwhile;
/// a sender that dies mid-send leaves it to be taken again when the lease ends.
/// On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets senders on several instances claim at
/// once without waiting for each other or taking the same row; SQLite has one instance
/// per file, and its IMMEDIATE transaction is the lock.
pub fn claim_due(
    conn: &mut DbConnection,
    now_ms: i64,
    lease_ms: i64,
    limit: i64,
) -> QueryResult<Vec<OutboxEmail>> {
    write_transaction(conn, |conn| {
        let lock = match conn {
            DbConnection::Postgresql(_) => " FOR UPDATE SKIP LOCKED",
            DbConnection::Sqlite(_) => "",
        };
        let sql = format!(
            "SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= $1 \
             ORDER BY id LIMIT $2{lock}"
        );
        let query = sql::raw(&sql)
            .bind::<BigInt, _>(now_ms)
            .bind::<BigInt, _>(limit);
        let ids: Vec<i64> = Prepared::new(query)
            .load::<Claimed>(conn)?
            .into_iter()
            .map(|row| row.id)
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
            .set((
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::next_attempt_at.eq(now_ms.saturating_add(lease_ms)),
                outbox::claimed_at.eq(now_ms),
            ))
            .execute(conn)?;
        outbox::table
            .filter(outbox::id.eq_any(&ids))
            .select(OutboxEmail::as_select())
            .order(outbox::id)
            .load(conn)
    })
}

/// Marks it sent, and forgets its secret: the email carries it now.
pub fn mark_sent(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::state.eq(EmailState::Sent.as_str()),
            outbox::sent_at.eq(now),
            outbox::last_error.eq(None::<String>),
            outbox::claimed_at.eq(None::<i64>),
            outbox::secret.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records the failed attempt that began at `claimed_at`: queued again from
/// `retry_at_ms`, or failed for good when there is none (its secret forgotten: no email
/// will carry it). Only the claim's holder records it: a sender whose lease ran out, and
/// whose email another sender has claimed since, changes nothing (false).
pub fn mark_attempt_failed(
    conn: &mut DbConnection,
    id: i64,
    claimed_at: i64,
    error: &str,
    retry_at_ms: Option<i64>,
) -> QueryResult<bool> {
    let target = outbox::table
        .find(id)
        .filter(outbox::state.eq(EmailState::Queued.as_str()))
        .filter(outbox::claimed_at.eq(claimed_at));
    let updated = match retry_at_ms {
        Some(at) => diesel::update(target)
            .set((
                outbox::last_error.eq(error),
                outbox::next_attempt_at.eq(at),
                outbox::claimed_at.eq(None::<i64>),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set((
                outbox::last_error.eq(error),
                outbox::state.eq(EmailState::Failed.as_str()),
                outbox::claimed_at.eq(None::<i64>),
                outbox::secret.eq(None::<String>),
            ))
            .execute(conn)?,
    };
    Ok(updated == 1)
}
