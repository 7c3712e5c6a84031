//! The shop-wide figures: the same on every instance, read every so often by
//! `jobs::sampler` (counting them is a scan) and shown as they were last read. Until the
//! first reading none is shown: a 0 would say something nobody measured.

use std::fmt;
use std::sync::Mutex;

use chrono::{NaiveDateTime, Utc};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Unit;

use super::put;
use crate::db::models::sampled::Sample;
use crate::domain::PaymentState;

/// The last reading of the shop-wide figures.
#[derive(Debug, Default)]
pub struct Sampled {
    last: Mutex<Option<Sample>>,
}

impl Sampled {
    pub fn record(&self, sample: Sample) {
        if let Ok(mut last) = self.last.lock() {
            *last = Some(sample);
        }
    }

    fn last(&self) -> Option<Sample> {
        self.last.lock().ok().and_then(|last| *last)
    }
}

/// How long ago `queued_at` was, in seconds, as of now: the age keeps growing between
/// readings, as the email's wait does.
fn age(queued_at: Option<NaiveDateTime>) -> f64 {
    queued_at.map_or(0.0, |at| {
        let waited = Utc::now().naive_utc() - at;
        waited.num_milliseconds().max(0) as f64 / 1000.0
    })
}

impl Collector for Sampled {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), fmt::Error> {
        let Some(sample) = self.last() else {
            return Ok(());
        };
        let help = "Sessions not yet expired, in the whole shop (sampled).";
        let live = ConstGauge::new(sample.live_sessions);
        put(&mut encoder, "trolley_sessions_live", help, None, &live)?;
        let help = "Emails waiting in the outbox, in the whole shop (sampled).";
        let queued = ConstGauge::new(sample.emails_queued);
        put(&mut encoder, "trolley_emails_queued", help, None, &queued)?;
        let help = "How long the oldest email still waiting in the outbox has waited; 0 when \
                    none waits.";
        let oldest = ConstGauge::new(age(sample.oldest_queued_at));
        let unit = Some(&Unit::Seconds);
        put(
            &mut encoder,
            "trolley_email_oldest_queued_age",
            help,
            unit,
            &oldest,
        )?;
        payments(&mut encoder, &sample.payments)
    }
}

/// `trolley_orders_by_payment_state{state}`: every state, 0 included, so that a rate or
/// an alert has its series from the start.
fn payments(encoder: &mut DescriptorEncoder<'_>, counts: &[i64; 5]) -> Result<(), fmt::Error> {
    let help = "Orders in each payment state, in the whole shop (sampled).";
    let gauge = ConstGauge::new(0_i64);
    let mut family = encoder.encode_descriptor(
        "trolley_orders_by_payment_state",
        help,
        None,
        gauge.metric_type(),
    )?;
    for (state, count) in PaymentState::ALL.iter().zip(counts) {
        let labels = [("state", state.as_str())];
        ConstGauge::new(*count).encode(family.encode_family(&labels)?)?;
    }
    Ok(())
}
