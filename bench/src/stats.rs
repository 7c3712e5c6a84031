//! What one run of a scenario measured: requests, latencies, and errors by kind.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

/// Latencies are recorded in microseconds, up to a minute.
const LONGEST_MICROS: u64 = 60_000_000;

#[derive(Clone)]
pub struct Stats {
    pub requests: u64,
    /// Failed requests by what went wrong ("400 Bad Request", "timeout", …).
    pub errors: BTreeMap<String, u64>,
    pub histogram: Histogram<u64>,
    /// The open loop: how long after it was due each step was sent (the generator's own
    /// lateness, or a connection still waiting for its last answer), in microseconds.
    pub sent_late: Histogram<u64>,
    pub elapsed: Duration,
}

impl Stats {
    pub fn new() -> Self {
        Self {
            requests: 0,
            errors: BTreeMap::new(),
            histogram: Histogram::new_with_bounds(1, LONGEST_MICROS, 3)
                .unwrap_or_else(|_| unreachable!("valid bounds")),
            sent_late: Histogram::new_with_bounds(1, LONGEST_MICROS, 3)
                .unwrap_or_else(|_| unreachable!("valid bounds")),
            elapsed: Duration::ZERO,
        }
    }

    /// Records one request that was due (or sent) at `since` and has just ended.
    pub fn record(&mut self, since: Instant, outcome: Result<(), String>) {
        self.record_latency(since.elapsed(), outcome);
    }

    pub fn record_latency(&mut self, latency: Duration, outcome: Result<(), String>) {
        let _ = self.histogram.record(micros(latency));
        self.requests += 1;
        if let Err(kind) = outcome {
            *self.errors.entry(kind).or_default() += 1;
        }
    }

    pub fn record_sent_late(&mut self, late: Duration) {
        let _ = self.sent_late.record(micros(late));
    }

    pub fn merge(&mut self, other: &Stats) {
        self.requests += other.requests;
        for (kind, count) in &other.errors {
            *self.errors.entry(kind.clone()).or_default() += count;
        }
        let _ = self.histogram.add(&other.histogram);
        let _ = self.sent_late.add(&other.sent_late);
    }

    pub fn error_count(&self) -> u64 {
        self.errors.values().sum()
    }

    pub fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The latency at `quantile`, in milliseconds.
    pub fn ms(&self, quantile: f64) -> f64 {
        self.histogram.value_at_quantile(quantile) as f64 / 1000.0
    }

    pub fn max_ms(&self) -> f64 {
        self.histogram.max() as f64 / 1000.0
    }
}

/// A duration in whole microseconds, within what the histograms hold.
fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros())
        .unwrap_or(u64::MAX)
        .clamp(1, LONGEST_MICROS)
}
