//! What operators watch Trolley with: the metrics on their own listener, request ids on
//! every answer, and log lines that name the request they were written for.

mod logs;
mod metrics;
mod request_ids;

use std::time::{Duration, Instant};

use trolley::config::Settings;

use crate::common::{spawn_app_with, Browser, TestApp};

/// An app serving its metrics on a port of their own, with the shop-wide figures read
/// every 100 ms.
pub async fn app_with_metrics(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(|settings| {
        settings.operations.metrics_addr = Some("127.0.0.1:0".into());
        settings.operations.sample_every = Duration::from_millis(100);
        adjust(settings);
    })
    .await
}

/// GET /metrics from the metrics' own port.
pub async fn scrape(app: &TestApp) -> String {
    let port = app.metrics_port.expect("metrics are served");
    let page = Browser::new(&format!("http://127.0.0.1:{port}"))
        .get("/metrics")
        .await;
    assert_eq!(
        page.status,
        actix_web::http::StatusCode::OK,
        "{}",
        page.body
    );
    page.body
}

/// The value of `series` (its name and labels exactly as written) in a scrape.
pub fn value(scraped: &str, series: &str) -> Option<f64> {
    scraped
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|value| value.parse().ok())
}

/// Scrapes until `series` satisfies `holds`, or panics after `within`; returns the scrape.
pub async fn scrape_until(
    app: &TestApp,
    series: &str,
    within: Duration,
    holds: impl Fn(f64) -> bool,
) -> String {
    let deadline = Instant::now() + within;
    loop {
        let scraped = scrape(app).await;
        if value(&scraped, series).is_some_and(&holds) {
            return scraped;
        }
        assert!(
            Instant::now() < deadline,
            "{series} not as expected within {within:?}:\n{scraped}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The checkout form's fields with a valid customer (an address with a postcode).
pub fn customer(order_token: &str) -> [(&'static str, &str); 4] {
    [
        ("name", "Ada Lovelace"),
        ("email", "ada@example.com"),
        ("address", "1 High Street\nLondon\nSW1A 1AA"),
        ("order_token", order_token),
    ]
}

/// A shopper buys one of `product` (with an address that has a postcode); returns the
/// order token.
pub async fn place_order(app: &TestApp, product: i64) -> String {
    let shopper = app.browser();
    shopper.add_to_basket(product, 1).await;
    let (_, token) = shopper.open_checkout().await;
    let placed = shopper.submit("/checkout", &customer(&token)).await;
    assert_eq!(
        placed.status,
        actix_web::http::StatusCode::SEE_OTHER,
        "{}",
        placed.body
    );
    token
}
