//! An order's payment on Stripe Checkout: the Checkout Session made (or got back) under an
//! `Idempotency-Key` derived from the order token and its attempt, recorded on the order;
//! the session asked about when the shopper returns; the refund of a cancelled order's
//! payment. Stripe is called outside any database transaction: each database step is a
//! short transaction of its own, before or after the call.

use chrono::{NaiveDateTime, Utc};
use serde_json::Value;

use super::answer::{reference_of, text, url_of};
use super::{StripeClient, StripeError};
use crate::config::StripeSettings;
use crate::db::models::order::{self, Confirmation, Order, OrderLine};
use crate::db::Db;
use crate::domain::{OrderStatus, PaymentState};

/// Trolley's side of Stripe: the client, where shoppers come back to, the webhook secret.
#[derive(Debug, Clone)]
pub struct Stripe {
    pub client: StripeClient,
    /// The shop's address as shoppers reach it (`TROLLEY_PUBLIC_URL`), for the return pages.
    public_url: String,
    webhook_secret: String,
}

/// Where a shopper who asked to pay goes.
#[derive(Debug, PartialEq, Eq)]
pub enum PayStep {
    /// To Stripe's hosted page.
    Redirect(String),
    /// Nowhere: it is paid (now, or before).
    Paid,
    /// Nowhere: it awaits no payment (cancelled, expired, or needing none).
    Closed,
}

/// Why a payment step could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum PayError {
    #[error(transparent)]
    Stripe(#[from] StripeError),
    #[error("the database: {0}")]
    Db(#[from] crate::db::DbError),
}

/// Shortest and longest life Stripe allows a Checkout Session, less a minute's margin.
const SESSION_MIN_SECS: i64 = 31 * 60;
const SESSION_MAX_SECS: i64 = 24 * 3600 - 60;

impl Stripe {
    pub fn new(settings: &StripeSettings, public_url: &str) -> Option<Self> {
        Some(Self {
            client: StripeClient::new(settings)?,
            public_url: public_url.trim_end_matches('/').to_owned(),
            webhook_secret: settings.webhook_secret.clone(),
        })
    }

    /// The origin of Stripe's hosted payment page, which shoppers are sent to:
    /// `https://checkout.stripe.com`, or the API's own origin when the API is not
    /// Stripe's (the test double serves both).
    pub fn page_origin(&self) -> String {
        if self.client.is_stripes() {
            return "https://checkout.stripe.com".to_owned();
        }
        self.client.origin()
    }

    pub fn webhook_secret(&self) -> &str {
        &self.webhook_secret
    }

    /// The `Idempotency-Key` of order `token`'s Checkout Session number `attempt`.
    pub fn session_key(token: &str, attempt: i32) -> String {
        format!("trolley-order-{token}-checkout-{attempt}")
    }

    /// The `Idempotency-Key` of the refund of order `token`'s payment.
    pub fn refund_key(token: &str) -> String {
        format!("trolley-order-{token}-refund")
    }

    /// Takes order `order_id`'s shopper towards paying: to its open Checkout Session,
    /// or a new one when the last expired (or none was recorded: made again under the
    /// same key, Stripe answers with the session it made before).
    pub async fn pay(&self, db: &Db, order_id: i64) -> Result<PayStep, PayError> {
        // A session found expired moves the order on to a new attempt, once; a second
        // look settles it.
        for _ in 0..2 {
            let Some((found, lines)) = read(db, order_id).await? else {
                return Ok(PayStep::Closed);
            };
            if let Some(step) = settled(&found) {
                return Ok(step);
            }
            if let Some(id) = &found.stripe_session_id {
                let session = self
                    .client
                    .get(&format!("/v1/checkout/sessions/{id}"))
                    .await?;
                match session["status"].as_str() {
                    Some("open") => return Ok(PayStep::Redirect(url_of(&session)?)),
                    Some("complete") => return self.confirm(db, order_id, &session).await,
                    _ => {
                        let attempt = found.payment_attempt;
                        db.query(move |conn| order::next_attempt(conn, order_id, attempt))
                            .await?;
                        continue;
                    }
                }
            }
            let session = self.create_session(&found, &lines).await?;
            let (attempt, id) = (found.payment_attempt, text(&session, "id")?);
            let recorded = db
                .query(move |conn| order::record_session(conn, order_id, attempt, &id))
                .await?;
            if recorded {
                return Ok(PayStep::Redirect(url_of(&session)?));
            }
        }
        Ok(PayStep::Closed)
    }

    /// The shopper came back from Stripe: when order `order_id`'s session is paid, the
    /// payment is confirmed now rather than when the webhook comes.
    pub async fn check_return(&self, db: &Db, order_id: i64) -> Result<(), PayError> {
        let Some((found, _)) = read(db, order_id).await? else {
            return Ok(());
        };
        let awaiting = settled(&found).is_none();
        let Some(id) = found.stripe_session_id.filter(|_| awaiting) else {
            return Ok(());
        };
        let session = self
            .client
            .get(&format!("/v1/checkout/sessions/{id}"))
            .await?;
        if session["status"] == "complete" {
            self.confirm(db, order_id, &session).await?;
        }
        Ok(())
    }

    /// Confirms the payment of a complete session whose `payment_status` is paid.
    async fn confirm(&self, db: &Db, order_id: i64, session: &Value) -> Result<PayStep, PayError> {
        if session["payment_status"] != "paid" {
            return Ok(PayStep::Closed);
        }
        let reference = reference_of(session);
        let now = Utc::now().naive_utc();
        let confirmed = db
            .query(move |conn| order::confirm_paid(conn, order_id, &reference, now))
            .await?;
        if confirmed == Confirmation::LatePayment {
            log::warn!("order {order_id} was paid after its payment expired: flagged for an admin");
        }
        Ok(PayStep::Paid)
    }

    /// POST /v1/checkout/sessions for `found`'s current attempt.
    async fn create_session(&self, found: &Order, lines: &[OrderLine]) -> Result<Value, PayError> {
        let token = &found.order_token;
        let receipt = format!("{}/orders/{token}", self.public_url);
        let expires_at = expires_at(found.payment_due_at, Utc::now().naive_utc());
        let mut form: Vec<(String, String)> = vec![
            ("mode".into(), "payment".into()),
            ("success_url".into(), format!("{receipt}?checkout=return")),
            ("cancel_url".into(), receipt),
            ("client_reference_id".into(), token.clone()),
            ("customer_email".into(), found.customer_email.clone()),
            ("expires_at".into(), expires_at.to_string()),
            ("metadata[order_token]".into(), token.clone()),
            ("metadata[order_number]".into(), found.number().to_string()),
        ];
        for (i, line) in lines.iter().enumerate() {
            let item = |part: &str| format!("line_items[{i}]{part}");
            form.extend([
                (item("[quantity]"), line.quantity.to_string()),
                (item("[price_data][currency]"), "gbp".into()),
                (
                    item("[price_data][unit_amount]"),
                    line.unit_price_pence.to_string(),
                ),
                (
                    item("[price_data][product_data][name]"),
                    line.product_name.clone(),
                ),
            ]);
        }
        let key = Self::session_key(token, found.payment_attempt);
        Ok(self
            .client
            .post("/v1/checkout/sessions", &form, &key)
            .await?)
    }

    /// Refunds cancelled order `order_id`'s payment, once: POST /v1/refunds under a key
    /// derived from the order token (a retry, or a second admin, gets the same refund
    /// back), then the refund recorded (paid → refunded). Whether it is refunded now.
    pub async fn refund(&self, db: &Db, order_id: i64, by: &str) -> Result<bool, PayError> {
        let Some((found, _)) = read(db, order_id).await? else {
            return Ok(false);
        };
        let refundable =
            found.status == OrderStatus::Cancelled && found.payment_state == PaymentState::Paid;
        let Some(intent) = found.payment_reference.filter(|_| refundable) else {
            return Ok(found.payment_state == PaymentState::Refunded);
        };
        let form = [("payment_intent".to_owned(), intent)];
        let key = Self::refund_key(&found.order_token);
        let refund = self.client.post("/v1/refunds", &form, &key).await?;
        let (refund_id, by, now) = (text(&refund, "id")?, by.to_owned(), Utc::now().naive_utc());
        db.query(move |conn| order::record_refund(conn, order_id, &refund_id, &by, now))
            .await?;
        Ok(true)
    }
}

/// The order with its lines.
async fn read(db: &Db, order_id: i64) -> Result<Option<(Order, Vec<OrderLine>)>, PayError> {
    let found = db
        .query(move |conn| {
            let Some(found) = order::find(conn, order_id)? else {
                return Ok(None);
            };
            Ok(Some((found, order::lines(conn, order_id)?)))
        })
        .await?;
    Ok(found)
}

/// Where an order that awaits no payment is: `None` while it awaits one.
fn settled(found: &Order) -> Option<PayStep> {
    match (found.status, found.payment_state) {
        (OrderStatus::Placed, PaymentState::Awaiting) => None,
        (_, PaymentState::Paid | PaymentState::Refunded) => Some(PayStep::Paid),
        _ => Some(PayStep::Closed),
    }
}

/// When a session made now for an order due at `due` expires: at the order's deadline,
/// within the 30 minutes to 24 hours Stripe allows.
fn expires_at(due: Option<NaiveDateTime>, now: NaiveDateTime) -> i64 {
    let now = now.and_utc().timestamp();
    let due = due.map_or(now + SESSION_MAX_SECS, |due| due.and_utc().timestamp());
    due.clamp(now + SESSION_MIN_SECS, now + SESSION_MAX_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_expires_at_the_orders_deadline_within_what_stripe_allows() {
        let now = chrono::DateTime::from_timestamp(1_000_000, 0)
            .expect("a valid time")
            .naive_utc();
        let at = |secs| Some(now + chrono::TimeDelta::seconds(secs));
        assert_eq!(expires_at(at(3600), now), 1_000_000 + 3600);
        assert_eq!(expires_at(at(60), now), 1_000_000 + SESSION_MIN_SECS);
        assert_eq!(
            expires_at(at(7 * 86_400), now),
            1_000_000 + SESSION_MAX_SECS
        );
        assert_eq!(expires_at(None, now), 1_000_000 + SESSION_MAX_SECS);
    }

    #[test]
    fn keys_are_derived_from_the_order_token() {
        assert_eq!(
            Stripe::session_key("abc", 0),
            "trolley-order-abc-checkout-0"
        );
        assert_eq!(
            Stripe::session_key("abc", 1),
            "trolley-order-abc-checkout-1"
        );
        assert_eq!(Stripe::refund_key("abc"), "trolley-order-abc-refund");
    }
}
