//! The shop-wide figures the metrics show, read every so often rather than at each scrape
//! (`jobs::sampler`): they are the same on every instance, and counting them is a scan.
//!
//! A new figure is one more field here and one more family in `metrics::sampled`.

use chrono::NaiveDateTime;
use diesel::dsl::{count_star, min};
use diesel::prelude::*;

use super::basket_stats::live_sessions;
use crate::db::schema::{orders, outbox};
use crate::db::{DbConnection, QueryResult};
use crate::domain::{EmailState, PaymentState};

/// One reading of the shop-wide figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sample {
    /// Sessions not yet expired.
    pub live_sessions: i64,
    /// Emails of the outbox waiting to be sent (due now or waiting to be tried again).
    pub emails_queued: i64,
    /// When the oldest of them was queued.
    pub oldest_queued_at: Option<NaiveDateTime>,
    /// Orders in each payment state, in the order of [`PaymentState::ALL`].
    pub payments: [i64; 5],
}

/// Reads the figures; `now` is Unix seconds.
pub fn sample(conn: &mut DbConnection, now: i64) -> QueryResult<Sample> {
    let (emails_queued, oldest_queued_at) = outbox::table
        .filter(outbox::state.eq(EmailState::Queued.as_str()))
        .select((count_star(), min(outbox::created_at)))
        .get_result::<(i64, Option<NaiveDateTime>)>(conn)?;
    Ok(Sample {
        live_sessions: live_sessions(conn, now)?,
        emails_queued,
        oldest_queued_at,
        payments: payments(conn)?,
    })
}

/// Orders by payment state: one grouped count (a scan of `orders`, every 15 s).
fn payments(conn: &mut DbConnection) -> QueryResult<[i64; 5]> {
    let counted = orders::table
        .group_by(orders::payment_state)
        .select((orders::payment_state, count_star()))
        .load::<(String, i64)>(conn)?;
    let mut payments = [0; 5];
    for (state, count) in counted {
        if let Some(at) = PaymentState::ALL.iter().position(|s| s.as_str() == state) {
            payments[at] = count;
        }
    }
    Ok(payments)
}
