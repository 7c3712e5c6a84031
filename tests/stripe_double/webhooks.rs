//! The double's webhooks: each event queued as Stripe shapes it (`{"id": "evt_…",
//! "object": "event", "type", "data": {"object": …}}`), and delivered when the test says
//! so, signed as Stripe signs (`Stripe-Signature: t=TIMESTAMP,v1=HEX`, the HMAC-SHA256 of
//! `TIMESTAMP.PAYLOAD` keyed with the webhook secret). An event the endpoint did not take
//! (not 2xx, or no answer within two seconds) stays pending and is tried again by the next
//! delivery, as Stripe retries; the test can also deliver the pending ones in reverse
//! order, or an event again (a duplicate).

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use super::{Event, State, StripeDouble};

/// How one delivery went: the endpoint's status, or `None` when it did not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub event_id: String,
    pub status: Option<u16>,
}

/// Queues the event `kind` about `object`.
pub fn queue(state: &mut State, kind: &str, object: Value) {
    let id = state.id("evt");
    let payload = json!({
        "id": id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": chrono::Utc::now().timestamp(),
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": kind,
    });
    state.events.push(Event {
        id,
        kind: kind.to_owned(),
        payload: payload.to_string(),
        delivered: false,
        attempts: 0,
    });
}

/// The `Stripe-Signature` header for `payload` sent at `timestamp`.
pub fn signature_header(payload: &str, secret: &str, timestamp: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.{payload}").as_bytes());
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

impl StripeDouble {
    /// Delivers every pending event, oldest first (or newest first, `reversed`).
    pub async fn deliver_pending(&self, reversed: bool) -> Vec<Delivered> {
        let mut pending: Vec<String> = self
            .state()
            .events
            .iter()
            .filter(|event| !event.delivered)
            .map(|event| event.id.clone())
            .collect();
        if reversed {
            pending.reverse();
        }
        let mut delivered = Vec::new();
        for id in pending {
            delivered.push(self.deliver(&id).await);
        }
        delivered
    }

    /// Delivers event `id` (again, if it was delivered before: a duplicate).
    pub async fn deliver(&self, id: &str) -> Delivered {
        let payload = {
            let mut state = self.state();
            let event = state.events.iter_mut().find(|event| event.id == id);
            let event = event.expect("a queued event");
            event.attempts += 1;
            event.payload.clone()
        };
        let header = signature_header(
            &payload,
            &self.webhook_secret,
            chrono::Utc::now().timestamp(),
        );
        let sent = awc::Client::new()
            .post(self.endpoint())
            .timeout(Duration::from_secs(2))
            .insert_header(("Content-Type", "application/json; charset=utf-8"))
            .insert_header(("Stripe-Signature", header))
            .send_body(payload)
            .await;
        let status = sent.ok().map(|response| response.status().as_u16());
        if status.is_some_and(|status| (200..300).contains(&status)) {
            let mut state = self.state();
            if let Some(event) = state.events.iter_mut().find(|event| event.id == id) {
                event.delivered = true;
            }
        }
        Delivered {
            event_id: id.to_owned(),
            status,
        }
    }
}
