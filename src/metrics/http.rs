//! Requests: by route pattern, method and status class, with a latency histogram, and
//! those in flight. The names are OpenTelemetry's HTTP server metrics as its Prometheus
//! exporter writes them; the status is its class (`2xx`…), so that the series stay few.

use std::time::Duration;

use actix_web::http::{Method, StatusCode};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

/// The latency buckets, in seconds: every millisecond from 1 to 5 and 7.5 and 10, where
/// the shop's pages are served, then coarser up to the 10 s a request can take at most.
pub const BUCKETS: [f64; 17] = [
    0.0005, 0.001, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0,
];

/// The label a request that matched no route gets (a route pattern starts with `/`).
pub const UNMATCHED: &str = "unmatched";

/// What a request's series is named by. Every value comes from a bounded set: the
/// method from [`method_label`], the route from the patterns the shop registers, the
/// status from five classes. A raw path (a product's id, an order's token) never is one.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    http_request_method: &'static str,
    http_route: String,
    http_response_status_class: &'static str,
}

type Durations = Family<RequestLabels, Histogram, fn() -> Histogram>;

#[derive(Clone)]
pub struct HttpMetrics {
    durations: Durations,
    active: Gauge,
}

/// A request in flight, counted until it is dropped (answered or abandoned).
pub struct InFlight<'a>(&'a Gauge);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl HttpMetrics {
    pub(super) fn register(registry: &mut Registry) -> Self {
        let durations = Durations::new_with_constructor(|| Histogram::new(BUCKETS));
        registry.register_with_unit(
            "http_server_request_duration",
            "How long requests took to answer, by method, route pattern and status class",
            Unit::Seconds,
            durations.clone(),
        );
        let active = Gauge::default();
        registry.register(
            "http_server_active_requests",
            "Requests being served now",
            active.clone(),
        );
        Self { durations, active }
    }

    pub fn started(&self) -> InFlight<'_> {
        self.active.inc();
        InFlight(&self.active)
    }

    /// Records one answered request. `route` is the pattern it matched (`None`: none).
    pub fn observe(
        &self,
        method: &Method,
        route: Option<String>,
        status: StatusCode,
        took: Duration,
    ) {
        let labels = RequestLabels {
            http_request_method: method_label(method),
            http_route: route.unwrap_or_else(|| UNMATCHED.to_owned()),
            http_response_status_class: status_class(status),
        };
        self.durations
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
    }
}

/// The method's name, or `_OTHER` for any but the standard ones (OpenTelemetry's rule), so
/// that made-up methods make no series.
pub fn method_label(method: &Method) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
    ];
    KNOWN
        .into_iter()
        .find(|known| *known == method.as_str())
        .unwrap_or("_OTHER")
}

pub fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() / 100 {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        _ => "5xx",
    }
}
