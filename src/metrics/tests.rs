use std::time::Duration;

use actix_web::http::{Method, StatusCode};

use super::*;
use crate::config::DatabaseUrl;
use crate::db::models::order::Placement;
use crate::db::models::sampled::Sample;

fn metrics() -> (Metrics, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("metrics.db").to_string_lossy().into_owned();
    (Metrics::new(&Db::new(&DatabaseUrl::Sqlite(path), 3)), dir)
}

/// The value of the one line of `text` that starts with `series` and a space.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|value| value.parse().ok())
}

#[test]
fn requests_are_counted_by_route_pattern_method_and_status_class() {
    let (metrics, _dir) = metrics();
    let http = metrics.http();
    let route = || Some("/products/{id}".to_owned());
    http.observe(
        &Method::GET,
        route(),
        StatusCode::OK,
        Duration::from_micros(1500),
    );
    http.observe(
        &Method::GET,
        route(),
        StatusCode::NOT_FOUND,
        Duration::from_millis(4),
    );
    http.observe(
        &Method::from_bytes(b"BREW").expect("a method"),
        None,
        StatusCode::METHOD_NOT_ALLOWED,
        Duration::ZERO,
    );

    let text = metrics.render();
    let ok =
        r#"http_request_method="GET",http_route="/products/{id}",http_response_status_class="2xx""#;
    assert_eq!(
        value(
            &text,
            &format!("http_server_request_duration_seconds_count{{{ok}}}")
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value(
            &text,
            &format!("http_server_request_duration_seconds_bucket{{{ok},le=\"0.001\"}}")
        ),
        Some(0.0)
    );
    assert_eq!(
        value(
            &text,
            &format!("http_server_request_duration_seconds_bucket{{{ok},le=\"0.002\"}}")
        ),
        Some(1.0)
    );
    let other =
        r#"http_request_method="_OTHER",http_route="unmatched",http_response_status_class="4xx""#;
    assert_eq!(
        value(
            &text,
            &format!("http_server_request_duration_seconds_count{{{other}}}")
        ),
        Some(1.0),
        "{text}"
    );
    assert!(text.contains("# TYPE http_server_request_duration_seconds histogram"));
}

#[test]
fn requests_in_flight_are_counted_until_they_are_done() {
    let (metrics, _dir) = metrics();
    let first = metrics.http().started();
    let second = metrics.http().started();
    assert_eq!(
        value(&metrics.render(), "http_server_active_requests"),
        Some(2.0)
    );
    drop((first, second));
    assert_eq!(
        value(&metrics.render(), "http_server_active_requests"),
        Some(0.0)
    );
}

#[test]
fn checkouts_are_counted_by_outcome_every_reason_from_the_start() {
    let (metrics, _dir) = metrics();
    let text = metrics.render();
    for reason in ["stock", "basket_changed", "inactive", "empty_basket"] {
        let series = format!("trolley_checkouts_refused_total{{reason=\"{reason}\"}}");
        assert_eq!(value(&text, &series), Some(0.0), "{text}");
    }
    let checkouts = metrics.checkouts();
    checkouts.outcome(&Placement::Placed);
    checkouts.outcome(&Placement::AlreadyPlaced);
    checkouts.replayed();
    checkouts.outcome(&Placement::OutOfStock(Vec::new()));
    checkouts.outcome(&Placement::Unavailable {
        names: Vec::new(),
        short: Vec::new(),
    });
    checkouts.outcome(&Placement::BasketChanged);

    let text = metrics.render();
    assert_eq!(value(&text, "trolley_checkouts_placed_total"), Some(1.0));
    assert_eq!(value(&text, "trolley_checkouts_replayed_total"), Some(2.0));
    for reason in ["stock", "inactive", "basket_changed"] {
        let series = format!("trolley_checkouts_refused_total{{reason=\"{reason}\"}}");
        assert_eq!(value(&text, &series), Some(1.0), "{reason}");
    }
}

#[test]
fn emails_failing_for_good_count_as_attempts_too() {
    let (metrics, _dir) = metrics();
    metrics.emails().sent();
    metrics.emails().attempt_failed(false);
    metrics.emails().attempt_failed(true);
    let text = metrics.render();
    assert_eq!(value(&text, "trolley_emails_sent_total"), Some(1.0));
    assert_eq!(
        value(&text, "trolley_email_attempts_failed_total"),
        Some(2.0)
    );
    assert_eq!(value(&text, "trolley_emails_failed_total"), Some(1.0));
}

#[test]
fn the_pool_and_the_breaker_are_read_at_each_scrape() {
    let (metrics, _dir) = metrics();
    let text = metrics.render();
    assert_eq!(value(&text, "trolley_db_pool_size"), Some(3.0), "{text}");
    assert_eq!(
        value(&text, r#"trolley_db_pool_connections{state="in_use"}"#),
        Some(0.0)
    );
    assert_eq!(value(&text, "trolley_db_pool_waits_total"), Some(0.0));
    assert_eq!(
        value(&text, "trolley_db_pool_wait_seconds_total"),
        Some(0.0)
    );
    assert_eq!(value(&text, "trolley_db_circuit_open"), Some(0.0));
    assert_eq!(value(&text, "trolley_db_circuit_opened_total"), Some(0.0));
}

#[test]
fn shop_wide_figures_show_once_read_with_the_oldest_email_s_age_growing() {
    let (metrics, _dir) = metrics();
    assert!(!metrics.render().contains("trolley_sessions_live"));
    let queued_at = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(90);
    metrics.sampled().record(Sample {
        live_sessions: 7,
        emails_queued: 2,
        oldest_queued_at: Some(queued_at),
        payments: [3, 1, 4, 1, 5],
    });
    let text = metrics.render();
    assert_eq!(value(&text, "trolley_sessions_live"), Some(7.0));
    for (state, count) in [("not_required", 3.0), ("awaiting", 1.0), ("refunded", 5.0)] {
        let series = format!("trolley_orders_by_payment_state{{state=\"{state}\"}}");
        assert_eq!(value(&text, &series), Some(count), "{text}");
    }
    assert_eq!(value(&text, "trolley_emails_queued"), Some(2.0));
    let age = value(&text, "trolley_email_oldest_queued_age_seconds").expect("an age");
    assert!((90.0..95.0).contains(&age), "{age}");
}
