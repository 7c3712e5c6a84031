//! Trolley's Prometheus metrics: what an instance has served and how its database and
//! outbox are doing, served in the Prometheus text format on a listener of its own
//! (`TROLLEY_METRICS_ADDR`, see `startup`), never on the shop's.
//!
//! Built on `prometheus-client`, the Prometheus project's own Rust client: its registry
//! is a value, not a global (so every test's server has its own), and its label sets are
//! types, so that a label can only take the values its type allows.
//!
//! - [`http`]: requests by route pattern, method and status class, with their latency,
//!   and those in flight (OpenTelemetry's HTTP server metric names);
//! - [`database`]: the pool and the circuit breaker, read from [`Db`] at each scrape;
//! - [`shop`]: checkouts placed, refused and replayed; emails sent and failed;
//! - [`sampled`]: the shop-wide figures (live sessions, queued emails), read every so
//!   often by `jobs::sampler`, never at a scrape.

mod database;
mod http;
mod sampled;
mod shop;

use std::fmt;
use std::sync::Arc;

use prometheus_client::encoding::{prometheus_text, DescriptorEncoder, EncodeMetric};
use prometheus_client::registry::{Registry, Unit};

use crate::db::Db;

pub use http::{HttpMetrics, InFlight};
pub use sampled::Sampled;
pub use shop::{CheckoutMetrics, EmailMetrics, Refusal};

/// The `Content-Type` of GET /metrics: Prometheus' text format, version 0.0.4.
pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// An instance's metrics; cloning shares them.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    http: HttpMetrics,
    checkouts: CheckoutMetrics,
    emails: EmailMetrics,
    sampled: Arc<Sampled>,
}

impl Metrics {
    /// Every family registered, those of `db` read from it at each scrape.
    pub fn new(db: &Db) -> Self {
        let mut registry = Registry::default();
        let http = HttpMetrics::register(&mut registry);
        let checkouts = CheckoutMetrics::register(&mut registry);
        let emails = EmailMetrics::register(&mut registry);
        database::register(&mut registry, db);
        let sampled = Arc::new(Sampled::default());
        registry.register_collector(Box::new(Arc::clone(&sampled)));
        Self(Arc::new(Inner {
            registry,
            http,
            checkouts,
            emails,
            sampled,
        }))
    }

    pub fn http(&self) -> &HttpMetrics {
        &self.0.http
    }

    pub fn checkouts(&self) -> &CheckoutMetrics {
        &self.0.checkouts
    }

    pub fn emails(&self) -> &EmailMetrics {
        &self.0.emails
    }

    pub fn sampled(&self) -> &Sampled {
        &self.0.sampled
    }

    /// The scrape: every family, in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut text = String::with_capacity(16 * 1024);
        // Writing to a String cannot fail; an encoder's refusal would be a bug, and the
        // scrape then ends early rather than failing.
        if let Err(error) = prometheus_text::encode(&mut text, &self.0.registry) {
            log::error!("encoding the metrics failed: {error}");
        }
        text
    }
}

/// Writes one metric with its descriptor (for the collectors, which describe their own).
fn put(
    encoder: &mut DescriptorEncoder<'_>,
    name: &str,
    help: &str,
    unit: Option<&Unit>,
    metric: &impl EncodeMetric,
) -> Result<(), fmt::Error> {
    metric.encode(encoder.encode_descriptor(name, help, unit, metric.metric_type())?)
}

#[cfg(test)]
mod tests;
