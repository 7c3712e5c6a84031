//! The payment deadline, on every instance: orders still awaiting payment past
//! `TROLLEY_PAYMENT_DEADLINE` are cancelled by the shop, one transaction each (see
//! `order::cancel_next_overdue` for how instances share the work and how a payment
//! recorded meanwhile is never lost or doubled).

use std::time::Duration;

use chrono::NaiveDateTime;

use crate::db::models::order;
use crate::db::{Db, DbError};

/// The most orders one pass cancels; the next pass goes on.
pub const PASS_LIMIT: usize = 1_000;

/// Cancels every order awaiting payment whose deadline is at or before `now`; returns
/// their ids, in the order they were cancelled.
pub async fn cancel_overdue(db: &Db, now: NaiveDateTime) -> Result<Vec<i64>, DbError> {
    let mut cancelled = Vec::new();
    while cancelled.len() < PASS_LIMIT {
        let next = db
            .run(move |conn| order::cancel_next_overdue(conn, now).map_err(DbError::from))
            .await?;
        match next {
            Some(id) => cancelled.push(id),
            None => break,
        }
    }
    Ok(cancelled)
}

/// Runs [`cancel_overdue`] every `every`, for as long as the server runs.
pub fn spawn_deadline(db: Db, every: Duration) {
    actix_rt::spawn(async move {
        let mut interval = actix_rt::time::interval(every);
        loop {
            interval.tick().await;
            let now = chrono::Utc::now().naive_utc();
            match cancel_overdue(&db, now).await {
                Ok(ids) if !ids.is_empty() => {
                    log::info!("cancelled {} orders not paid by their deadline", ids.len());
                }
                Ok(_) => {}
                Err(error) => log::warn!("payment deadline: {error}"),
            }
        }
    });
}
