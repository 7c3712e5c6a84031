//! The background sender: on every instance, claims due emails from the outbox one at a
//! time, sends each over SMTP and marks it sent, or queues it again with backoff, or
//! marks it failed after the last attempt.
//!
//! Delivery is at least once: an email is marked sent after the SMTP server has taken it,
//! so a crash (or a lost connection) between the two sends it again when its claim runs
//! out. The Message-ID is derived from the event (or, for a password reset, from the
//! row), so the copy is recognisably the same message.

use std::time::Duration;

use chrono::Utc;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{MailSettings, Settings};
use crate::db::models::order::{self, Order, OrderLine};
use crate::db::models::outbox::{self, OutboxEmail};
use crate::db::{Db, DbError};
use crate::domain::{EmailKind, PaymentMode};
use crate::mail::{compose, compose_reset, ComposeError};
use crate::metrics::EmailMetrics;

/// An error message is kept this long at most.
const MAX_ERROR_LEN: usize = 1000;

/// What the sender needs, built once.
pub struct Sender {
    db: Db,
    templates: tera::Tera,
    mail: MailSettings,
    receipt_base: String,
    /// How to pay by bank transfer, when the shop takes payment so.
    payment_instructions: Option<String>,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    metrics: EmailMetrics,
}

impl Sender {
    /// `None` when no SMTP URL is configured: emails then wait in the outbox.
    pub fn new(db: Db, templates: tera::Tera, settings: &Settings) -> anyhow::Result<Option<Self>> {
        let mail = settings.mail.clone();
        let Some(url) = &mail.smtp_url else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
            .map_err(|_| anyhow::anyhow!("TROLLEY_SMTP_URL: not a usable SMTP URL"))?
            .timeout(Some(mail.sender.smtp_timeout))
            .build();
        Ok(Some(Self {
            receipt_base: mail.receipt_base(&settings.addr),
            payment_instructions: (settings.payments.mode == PaymentMode::Manual)
                .then(|| settings.payments.instructions.clone())
                .flatten(),
            db,
            templates,
            mail,
            transport,
            metrics: EmailMetrics::default(),
        }))
    }

    /// The sender, counting what it sends and what fails in `metrics`.
    pub fn counted(self, metrics: EmailMetrics) -> Self {
        Self { metrics, ..self }
    }
}

/// What one pass over the due emails came to.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

enum Outcome {
    Sent,
    Retrying,
    Failed,
}

/// Sends every email due now, claiming one at a time so that a claim never outlives its
/// lease while others wait their turn, and so that instances share the work.
pub async fn send_due(sender: &Sender) -> Result<Pass, DbError> {
    let mut pass = Pass::default();
    let lease = millis(sender.mail.sender.lease);
    loop {
        let now = Utc::now().timestamp_millis();
        let claimed = sender
            .db
            .run(move |conn| outbox::claim_due(conn, now, lease, 1).map_err(DbError::from))
            .await?;
        let Some(row) = claimed.into_iter().next() else {
            return Ok(pass);
        };
        match send_one(sender, row).await? {
            Outcome::Sent => {
                sender.metrics.sent();
                pass.sent += 1;
            }
            Outcome::Retrying => {
                sender.metrics.attempt_failed(false);
                pass.retrying += 1;
            }
            Outcome::Failed => {
                sender.metrics.attempt_failed(true);
                pass.failed += 1;
            }
        }
    }
}

async fn send_one(sender: &Sender, row: OutboxEmail) -> Result<Outcome, DbError> {
    let message = match message_for(sender, &row).await? {
        Ok(message) => message,
        Err(error) => return record_failure(sender, &row, error, false).await,
    };
    let limit = sender.mail.sender.send_timeout;
    let sent = actix_rt::time::timeout(limit, sender.transport.send(message)).await;
    match sent {
        Ok(Ok(_)) => {
            let (id, now) = (row.id, Utc::now().naive_utc());
            sender
                .db
                .run(move |conn| outbox::mark_sent(conn, id, now).map_err(DbError::from))
                .await?;
            Ok(Outcome::Sent)
        }
        Ok(Err(error)) => record_failure(sender, &row, error.to_string(), true).await,
        Err(_) => {
            let error = format!(
                "Timed out: the SMTP server did not finish the delivery within {} s",
                limit.as_secs_f64()
            );
            record_failure(sender, &row, error, true).await
        }
    }
}

/// The message for `row`, or why there will never be one (which no retry mends).
async fn message_for(
    sender: &Sender,
    row: &OutboxEmail,
) -> Result<Result<Message, String>, DbError> {
    let (templates, mail, base) = (&sender.templates, &sender.mail, &sender.receipt_base);
    if row.kind == EmailKind::Reset {
        return Ok(compose_reset(templates, mail, base, row).map_err(|error| error.to_string()));
    }
    let Some(order_id) = row.order_id else {
        return Ok(Err(ComposeError::NoOrder.to_string()));
    };
    let found = sender
        .db
        .run(
            move |conn| -> Result<Option<(Order, Vec<OrderLine>)>, DbError> {
                let Some(found) = order::find(conn, order_id)? else {
                    return Ok(None);
                };
                let lines = order::lines(conn, order_id)?;
                Ok(Some((found, lines)))
            },
        )
        .await?;
    let Some((order, lines)) = found else {
        return Ok(Err("the order no longer exists".into()));
    };
    let instructions = sender.payment_instructions.as_deref();
    let message = compose(templates, mail, base, (row, instructions), &order, &lines);
    Ok(message.map_err(|error| error.to_string()))
}

/// Records a failed attempt: queued again after the backoff while attempts remain and a
/// retry may help, failed otherwise.
async fn record_failure(
    sender: &Sender,
    row: &OutboxEmail,
    mut error: String,
    may_retry: bool,
) -> Result<Outcome, DbError> {
    if error.len() > MAX_ERROR_LEN {
        let mut end = MAX_ERROR_LEN;
        while !error.is_char_boundary(end) {
            end -= 1;
        }
        error.truncate(end);
    }
    let tuning = &sender.mail.sender;
    let retry_at = (may_retry && row.attempts < tuning.max_attempts).then(|| {
        Utc::now()
            .timestamp_millis()
            .saturating_add(millis(tuning.backoff(row.attempts)))
    });
    // The log names the email, never its address: the admin's emails page has that.
    let id = row.id;
    match retry_at {
        Some(_) => log::info!("email {id} not sent, will retry: {error}"),
        None => log::warn!("email {id} failed for good: {error}"),
    }
    let Some(claimed_at) = row.claimed_at else {
        return Ok(Outcome::Retrying);
    };
    let held = sender
        .db
        .run(move |conn| {
            outbox::mark_attempt_failed(conn, id, claimed_at, &error, retry_at)
                .map_err(DbError::from)
        })
        .await?;
    if !held {
        log::warn!("email {id}: this attempt outlived its lease; another sender has it now");
    }
    Ok(if retry_at.is_some() {
        Outcome::Retrying
    } else {
        Outcome::Failed
    })
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Starts the sender on this instance, for as long as the server runs: a pass over the
/// due emails every poll interval. Without an SMTP URL there is nothing to start.
pub fn spawn_sender(sender: Option<Sender>) {
    let Some(sender) = sender else {
        log::info!("TROLLEY_SMTP_URL is not set: emails are queued, not sent");
        return;
    };
    if sender.mail.public_url.is_none() {
        log::warn!(
            "TROLLEY_PUBLIC_URL is not set: links in emails start with {}",
            sender.receipt_base
        );
    }
    actix_rt::spawn(async move {
        let every = sender.mail.sender.poll_interval;
        loop {
            match send_due(&sender).await {
                Ok(pass) if pass != Pass::default() => log::info!(
                    "emails: {} sent, {} to retry, {} failed",
                    pass.sent,
                    pass.retrying,
                    pass.failed
                ),
                Ok(_) => {}
                Err(error) => log::warn!("email sender: {error}"),
            }
            actix_rt::time::sleep(every).await;
        }
    });
}
