//! GET /metrics: on its own listener, labelled by route pattern, counting what the shop
//! did and what its database and outbox are doing.

use std::time::Duration;

use actix_web::http::StatusCode;

use super::{app_with_metrics, customer, place_order, scrape, scrape_until, value};
use crate::api::emails::{free_port, send_to, SmtpSink};
use crate::common::{spawn_app, Browser, MUG, TEAPOT};

const PRODUCTS_200: &str = "http_server_request_duration_seconds_count{http_request_method=\"GET\",http_route=\"/products/{id}\",http_response_status_class=\"2xx\"}";

#[actix_web::test]
async fn metrics_are_served_on_their_own_listener_and_never_on_the_shop_s() {
    let app = app_with_metrics(|_| {}).await;
    let port = app.metrics_port.expect("a metrics port");
    assert_ne!(port, app.port);
    let metrics = Browser::new(&format!("http://127.0.0.1:{port}"));

    let shop = app.browser().get("/metrics").await;
    let served = metrics.get("/metrics").await;
    let elsewhere = metrics.get("/").await;

    assert_eq!(shop.status, StatusCode::NOT_FOUND);
    assert!(!shop.body.contains("http_server_request_duration_seconds"));
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(
        served.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    assert!(served
        .body
        .contains("# TYPE http_server_request_duration_seconds histogram"));
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn without_a_metrics_address_nothing_listens_for_them() {
    let app = spawn_app().await;
    assert_eq!(app.metrics_port, None);
    assert_eq!(
        app.browser().get("/metrics").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn requests_are_labelled_by_route_pattern_never_by_their_path() {
    let app = app_with_metrics(|_| {}).await;
    let shopper = app.browser();
    let token = place_order(&app, MUG).await;
    for path in [
        format!("/products/{MUG}"),
        format!("/products/{TEAPOT}"),
        format!("/orders/{token}"),
        "/no/such/page/4711".to_owned(),
    ] {
        shopper.get(&path).await;
    }
    shopper.post_form("/basket/items", &[]).await;

    let scraped = scrape(&app).await;
    assert_eq!(value(&scraped, PRODUCTS_200), Some(2.0), "{scraped}");
    let series = |route: &str, class: &str, method: &str| {
        format!(
            "http_server_request_duration_seconds_count{{http_request_method=\"{method}\",\
             http_route=\"{route}\",http_response_status_class=\"{class}\"}}"
        )
    };
    let receipt = series("/orders/{order_token}", "2xx", "GET");
    assert_eq!(value(&scraped, &receipt), Some(1.0), "{scraped}");
    assert_eq!(
        value(&scraped, &series("unmatched", "4xx", "GET")),
        Some(1.0)
    );
    assert_eq!(
        value(&scraped, &series("/basket/items", "4xx", "POST")),
        Some(1.0)
    );
    assert!(!scraped.contains(&token), "an order token is a label");
    assert!(!scraped.contains("4711") && !scraped.contains("/products/1\""));
    // Every route label is a pattern the shop registered, or `unmatched`.
    for label in scraped.split("http_route=\"").skip(1) {
        let route = label.split('"').next().unwrap_or_default();
        assert!(route == "unmatched" || route.starts_with('/'), "{route}");
        assert!(!route.chars().any(|c| c.is_ascii_digit()), "{route}");
    }
    assert_eq!(value(&scraped, "http_server_active_requests"), Some(0.0));
}

#[actix_web::test]
async fn checkouts_are_counted_as_placed_replayed_and_refused_by_reason() {
    let app = app_with_metrics(|settings| settings.catalogue_max_age = Duration::ZERO).await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    let (_, token) = shopper.open_checkout().await;
    let placed = shopper.submit("/checkout", &customer(&token)).await;
    let again = shopper.submit("/checkout", &customer(&token)).await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);

    let short = app.browser();
    short.add_to_basket(TEAPOT, 2).await;
    let (_, token) = short.open_checkout().await;
    app.set_stock(TEAPOT, 1);
    let refused = short.submit("/checkout", &customer(&token)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);

    let gone = app.browser();
    gone.add_to_basket(MUG, 1).await;
    let (_, token) = gone.open_checkout().await;
    app.set_active(MUG, false);
    let refused = gone.submit("/checkout", &customer(&token)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);

    let scraped = scrape(&app).await;
    assert_eq!(
        value(&scraped, "trolley_checkouts_placed_total"),
        Some(1.0),
        "{scraped}"
    );
    assert_eq!(
        value(&scraped, "trolley_checkouts_replayed_total"),
        Some(1.0)
    );
    let refused = |reason: &str| format!("trolley_checkouts_refused_total{{reason=\"{reason}\"}}");
    assert_eq!(value(&scraped, &refused("stock")), Some(1.0));
    assert_eq!(value(&scraped, &refused("inactive")), Some(1.0));
    assert_eq!(value(&scraped, &refused("basket_changed")), Some(0.0));
}

#[actix_web::test]
async fn waits_for_a_pooled_connection_are_counted_with_their_time() {
    let app = app_with_metrics(|settings| settings.db_pool_size = 1).await;
    let shoppers: Vec<_> = (0..12).map(|_| app.browser()).collect();
    for _ in 0..5 {
        futures::future::join_all(shoppers.iter().map(|s| s.add_to_basket(MUG, 1))).await;
        if value(&scrape(&app).await, "trolley_db_pool_waits_total") > Some(0.0) {
            break;
        }
    }

    let scraped = scrape(&app).await;
    assert_eq!(value(&scraped, "trolley_db_pool_size"), Some(1.0));
    assert!(
        value(&scraped, "trolley_db_pool_waits_total") > Some(0.0),
        "{scraped}"
    );
    assert!(value(&scraped, "trolley_db_pool_wait_seconds_total") > Some(0.0));
    let in_use = value(&scraped, "trolley_db_pool_connections{state=\"in_use\"}");
    let idle = value(&scraped, "trolley_db_pool_connections{state=\"idle\"}");
    assert_eq!((in_use, idle), (Some(0.0), Some(1.0)));
    assert_eq!(value(&scraped, "trolley_db_circuit_open"), Some(0.0));
}

#[actix_web::test]
async fn queued_emails_live_sessions_and_payments_by_state_are_sampled_with_the_oldest_email_s_age()
{
    let app = app_with_metrics(|_| {}).await;
    app.browser().add_to_basket(TEAPOT, 1).await;
    place_order(&app, MUG).await;

    let scraped = scrape_until(
        &app,
        "trolley_emails_queued",
        Duration::from_secs(10),
        |n| n == 1.0,
    )
    .await;
    assert!(
        value(&scraped, "trolley_sessions_live") >= Some(1.0),
        "{scraped}"
    );
    // With no payment step, the order needs none; every state has its series.
    let payments = |state: &str| {
        let series = format!("trolley_orders_by_payment_state{{state=\"{state}\"}}");
        value(&scraped, &series)
    };
    assert_eq!(payments("not_required"), Some(1.0), "{scraped}");
    assert_eq!(payments("paid"), Some(0.0), "{scraped}");
    actix_web::rt::time::sleep(Duration::from_millis(1_100)).await;
    let scraped = scrape(&app).await;
    let age = value(&scraped, "trolley_email_oldest_queued_age_seconds");
    assert!(age >= Some(1.0), "the oldest email's age: {age:?}");
}

#[actix_web::test]
async fn emails_sent_and_attempts_failed_are_counted() {
    let port = free_port();
    let Some(_sink) = SmtpSink::start(port, false) else {
        return;
    };
    let app = app_with_metrics(|settings| send_to(settings, port, 3)).await;
    place_order(&app, MUG).await;
    let scraped = scrape_until(
        &app,
        "trolley_emails_sent_total",
        Duration::from_secs(20),
        |n| n == 1.0,
    )
    .await;
    assert_eq!(
        value(&scraped, "trolley_email_attempts_failed_total"),
        Some(0.0)
    );

    // Nothing listens on this port: every attempt fails, the last for good.
    let down = app_with_metrics(|settings| send_to(settings, free_port(), 2)).await;
    place_order(&down, MUG).await;
    let within = Duration::from_secs(20);
    let scraped = scrape_until(&down, "trolley_emails_failed_total", within, |n| n == 1.0).await;
    assert_eq!(
        value(&scraped, "trolley_email_attempts_failed_total"),
        Some(2.0)
    );
    assert_eq!(value(&scraped, "trolley_emails_sent_total"), Some(0.0));
}
