//! Faults: PostgreSQL stopping under load, and an instance told to stop mid-checkout.

use std::time::{Duration, Instant};

use actix_web::http::StatusCode;

use super::processes::{count, fresh_database, Instance, PgCluster, SHARED_KEY};
use crate::common::{Browser, MUG};

#[actix_web::test]
async fn stopping_postgres_under_load_answers_503_and_the_same_processes_recover() {
    let cluster = PgCluster::start();
    let url = cluster.url();
    let instances = [
        Instance::start(&url, Some(SHARED_KEY)),
        Instance::start(&url, Some(SHARED_KEY)),
    ];
    let pids = [instances[0].pid(), instances[1].pid()];
    let shopper = Browser::new(&instances[0].address);
    shopper.add_to_basket(MUG, 2).await;

    // Load before, during and after the outage: a bounded number of rounds, each a few
    // requests to each instance.
    let mut during = Vec::new();
    let outage = Instant::now();
    for round in 0..6 {
        if round == 2 {
            cluster.stop();
            eprintln!(
                "PostgreSQL stopped after {:.1} s of load",
                outage.elapsed().as_secs_f64()
            );
        }
        let requests = instances.iter().flat_map(|instance| {
            let browser = shopper.clone();
            let address = instance.address.clone();
            ["/", "/basket", "/healthz"].map(move |path| {
                let browser = browser.clone();
                let address = address.clone();
                async move {
                    let tab = Browser::new(&address);
                    *tab.jar.borrow_mut() = browser.jar.borrow().clone();
                    tab.try_get(path).await
                }
            })
        });
        let pages = futures::future::join_all(requests).await;
        for page in pages {
            let page = page.expect("an instance always answers");
            if round >= 2 {
                during.push(page.status);
                assert!(
                    page.status == StatusCode::SERVICE_UNAVAILABLE,
                    "during the outage: {} {}",
                    page.status,
                    page.body
                );
                assert!(
                    page.header("content-security-policy").is_some(),
                    "security headers on the 503"
                );
            } else {
                assert_eq!(page.status, StatusCode::OK);
            }
        }
    }
    assert!(!during.is_empty());

    eprintln!(
        "during the outage: {} requests, all 503 (slowest answer bounded by the pool's 5 s wait)",
        during.len()
    );
    cluster.start_again();
    let start = Instant::now();
    'recovery: loop {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the instances did not recover"
        );
        for instance in &instances {
            let tab = Browser::new(&instance.address);
            *tab.jar.borrow_mut() = shopper.jar.borrow().clone();
            match tab.try_get("/basket").await {
                Ok(page) if page.status == StatusCode::OK => {}
                _ => {
                    actix_web::rt::time::sleep(Duration::from_millis(250)).await;
                    continue 'recovery;
                }
            }
        }
        break;
    }

    eprintln!(
        "both instances served again {:.1} s after PostgreSQL was back",
        start.elapsed().as_secs_f64()
    );
    assert_eq!([instances[0].pid(), instances[1].pid()], pids, "no restart");
    for instance in &instances {
        let tab = Browser::new(&instance.address);
        *tab.jar.borrow_mut() = shopper.jar.borrow().clone();
        assert!(
            tab.get("/basket").await.body.contains("Enamel Camping Mug"),
            "the session survived"
        );
        assert!(!instance.log().contains("panicked"), "{}", instance.log());
    }
}

#[actix_web::test]
async fn sigterm_during_a_stream_of_checkouts_neither_loses_nor_doubles_an_order() {
    let url = fresh_database();
    let mut a = Instance::start(&url, Some(SHARED_KEY));
    let b = Instance::start(&url, Some(SHARED_KEY));
    const SHOPPERS: usize = 40;
    let mut shoppers = Vec::new();
    for _ in 0..SHOPPERS {
        let shopper = Browser::new(&a.address);
        shopper.add_to_basket(MUG, 1).await;
        let (form, token) = shopper.open_checkout().await;
        let version = form.hidden("basket_version").expect("a basket version");
        shoppers.push((shopper, token, version));
    }
    let stock_before = count(
        &url,
        "SELECT CAST(stock AS BIGINT) AS n FROM products WHERE id = 1",
    );

    // Every shopper submits at once; SIGTERM arrives while they are in flight.
    let submits = shoppers.iter().map(|(shopper, token, version)| async move {
        let csrf = shopper.csrf_token().await;
        let body = serde_urlencoded::to_string([
            ("csrf_token", csrf.as_str()),
            ("name", "Ada"),
            ("email", "ada@example.com"),
            ("address", "London SW1A 1AA"),
            ("order_token", token.as_str()),
            ("basket_version", version.as_str()),
        ])
        .expect("encode");
        shopper.try_post_raw("/checkout", body).await
    });
    let stop = async {
        actix_web::rt::time::sleep(Duration::from_millis(15)).await;
        a.terminate();
    };
    let (results, ()) = futures::join!(futures::future::join_all(submits), stop);
    assert!(
        a.wait_exit(Duration::from_secs(40)),
        "a clean exit after SIGTERM"
    );

    let mut answered = 0;
    for ((shopper, token, _), result) in shoppers.iter().zip(&results) {
        let receipt = format!("/orders/{token}");
        match result {
            Ok(page)
                if page.status == StatusCode::SEE_OTHER
                    && page.location() == Some(receipt.as_str()) =>
            {
                answered += 1;
                let made = count(
                    &url,
                    &format!("SELECT COUNT(*) AS n FROM orders WHERE order_token = '{token}'"),
                );
                assert_eq!(made, 1, "an answered checkout made its order");
            }
            _ => {
                // Not answered (refused or cut off): the shopper presses the button again,
                // and it reaches the other instance.
                shopper.point_at(&b.address);
                let again = shopper.place_order(token).await;
                assert_eq!(again.location(), Some(receipt.as_str()), "{}", again.body);
            }
        }
    }
    eprintln!("{answered} of {SHOPPERS} checkouts were answered before the instance stopped");

    assert_eq!(
        count(&url, "SELECT COUNT(*) AS n FROM orders"),
        SHOPPERS as i64,
        "none lost or doubled"
    );
    assert_eq!(
        count(&url, "SELECT COUNT(*) AS n FROM order_lines"),
        SHOPPERS as i64,
        "no half orders"
    );
    let stock_after = count(
        &url,
        "SELECT CAST(stock AS BIGINT) AS n FROM products WHERE id = 1",
    );
    assert_eq!(stock_before - stock_after, SHOPPERS as i64);
    assert!(!a.log().contains("panicked"));
}
