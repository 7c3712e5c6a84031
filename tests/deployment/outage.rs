//! A PostgreSQL outage at 32 concurrent connections: while the database is known to be
//! down every request is answered 503 at once (the circuit breaker), never after a queue
//! of connection waits, and the instance serves again within a second of its return.

use std::time::{Duration, Instant};

use actix_web::http::StatusCode;

use super::processes::{Instance, PgCluster, SHARED_KEY};
use crate::common::{Browser, MUG};

/// The pool's wait for a connection (`db::pool::CONNECTION_TIMEOUT`).
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(5);
const CONCURRENCY: usize = 32;
const ROUNDS: usize = 5;

/// One round: `CONCURRENCY` requests at once, each with the shopper's session; returns
/// each answer's status, whether it had `Retry-After`, and how long it took.
async fn round(instance: &Instance, shopper: &Browser) -> Vec<(StatusCode, bool, Duration)> {
    let requests = (0..CONCURRENCY).map(|i| {
        let tab = Browser::new(&instance.address);
        *tab.jar.borrow_mut() = shopper.jar.borrow().clone();
        let path = ["/basket", "/healthz", "/products/1", "/checkout"][i % 4];
        async move {
            let start = Instant::now();
            let page = tab.try_get(path).await.expect("the instance answers");
            (
                page.status,
                page.header("retry-after").is_some(),
                start.elapsed(),
            )
        }
    });
    futures::future::join_all(requests).await
}

#[actix_web::test]
async fn a_postgres_outage_at_32_connections_answers_503_at_once_and_recovers_within_a_second() {
    let cluster = PgCluster::start();
    let instance = Instance::start(&cluster.url(), Some(SHARED_KEY));
    let shopper = Browser::new(&instance.address);
    shopper.add_to_basket(MUG, 1).await;
    for (status, _, _) in round(&instance, &shopper).await {
        assert!(status.is_success(), "before the outage: {status}");
    }

    cluster.stop();
    let mut answers = Vec::new();
    for _ in 0..ROUNDS {
        answers.extend(round(&instance, &shopper).await);
    }
    let mut times: Vec<Duration> = answers.iter().map(|(_, _, took)| *took).collect();
    times.sort();
    let slowest = times[times.len() - 1];
    let p99 = times[times.len() * 99 / 100];
    eprintln!(
        "outage: {} requests at {CONCURRENCY} concurrent, all 503 with Retry-After; \
         median {:.0} ms, p99 {:.0} ms, slowest {:.0} ms",
        answers.len(),
        times[times.len() / 2].as_secs_f64() * 1000.0,
        p99.as_secs_f64() * 1000.0,
        slowest.as_secs_f64() * 1000.0
    );
    for (status, retry_after, _) in &answers {
        assert_eq!(*status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(retry_after, "a 503 carries Retry-After");
    }
    assert!(
        slowest < CONNECTION_TIMEOUT + Duration::from_secs(1),
        "slowest answer {slowest:?}"
    );

    // Back: a monitor asks every 50 ms, as a load balancer's health check would.
    cluster.start_again();
    let back = Instant::now();
    let monitor = Browser::new(&instance.address);
    loop {
        let page = monitor.get("/healthz").await;
        if page.status == StatusCode::OK {
            break;
        }
        assert!(back.elapsed() < Duration::from_secs(10), "no recovery");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    let recovered = back.elapsed();
    eprintln!(
        "serving again {:.0} ms after PostgreSQL was back",
        recovered.as_secs_f64() * 1000.0
    );
    assert!(
        recovered < Duration::from_secs(1),
        "recovery took {recovered:?}"
    );
    let tab = Browser::new(&instance.address);
    *tab.jar.borrow_mut() = shopper.jar.borrow().clone();
    assert!(tab.get("/basket").await.body.contains("Enamel Camping Mug"));
    assert!(!instance.log().contains("panicked"), "{}", instance.log());
}
