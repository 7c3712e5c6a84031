//! Two instances on one PostgreSQL serve the same sessions.

use actix_web::http::StatusCode;

use super::processes::{count, fresh_database, nginx_binary, Instance, Nginx, SHARED_KEY};
use crate::common::{assert_redirect_to, Browser, MUG, TEAPOT};

#[actix_web::test]
async fn a_basket_filled_through_one_instance_is_seen_through_the_other() {
    let url = fresh_database();
    let (a, b) = (
        Instance::start(&url, Some(SHARED_KEY)),
        Instance::start(&url, Some(SHARED_KEY)),
    );
    let browser = Browser::new(&a.address);

    browser.add_to_basket(MUG, 2).await;
    browser.point_at(&b.address);
    browser.add_to_basket(TEAPOT, 1).await;
    browser.point_at(&a.address);
    let page = browser.get("/basket").await;

    assert!(page.body.contains("Enamel Camping Mug") && page.body.contains("Stoneware Teapot"));
    assert!(page.body.contains("3 items in your basket"));
}

#[actix_web::test]
async fn a_checkout_form_from_one_instance_posted_to_the_other_makes_one_order() {
    let url = fresh_database();
    let (a, b) = (
        Instance::start(&url, Some(SHARED_KEY)),
        Instance::start(&url, Some(SHARED_KEY)),
    );
    let browser = Browser::new(&a.address);
    browser.add_to_basket(MUG, 1).await;
    let (_, token) = browser.open_checkout().await;
    let cookies = browser.jar.borrow().clone();

    browser.point_at(&b.address);
    let placed = browser.place_order(&token).await;
    *browser.jar.borrow_mut() = cookies;
    browser.point_at(&a.address);
    let again = browser.place_order(&token).await;

    assert_redirect_to(&placed, &format!("/orders/{token}"));
    assert_redirect_to(&again, &format!("/orders/{token}"));
    assert_eq!(count(&url, "SELECT COUNT(*) AS n FROM orders"), 1);
}

#[actix_web::test]
async fn ten_concurrent_checkouts_spread_over_both_instances_make_one_order() {
    let url = fresh_database();
    let instances = [
        Instance::start(&url, Some(SHARED_KEY)),
        Instance::start(&url, Some(SHARED_KEY)),
    ];
    let browser = Browser::new(&instances[0].address);
    browser.add_to_basket(MUG, 3).await;
    let (form, token) = browser.open_checkout().await;
    let version = form.hidden("basket_version").expect("a basket version");
    let csrf = browser.csrf_token().await;
    let tabs: Vec<Browser> = (0..10)
        .map(|i| {
            let tab = Browser::new(&instances[i % 2].address);
            *tab.jar.borrow_mut() = browser.jar.borrow().clone();
            tab
        })
        .collect();

    let fields = [
        ("csrf_token", csrf.as_str()),
        ("name", "Ada Lovelace"),
        ("email", "ada@example.com"),
        ("address", "London SW1A 1AA"),
        ("order_token", token.as_str()),
        ("basket_version", version.as_str()),
    ];
    let pages =
        futures::future::join_all(tabs.iter().map(|tab| tab.post_form("/checkout", &fields))).await;

    for page in &pages {
        assert_redirect_to(page, &format!("/orders/{token}"));
    }
    assert_eq!(count(&url, "SELECT COUNT(*) AS n FROM orders"), 1);
    assert_eq!(
        count(
            &url,
            "SELECT CAST(stock AS BIGINT) AS n FROM products WHERE id = 1"
        ),
        37
    );
}

#[actix_web::test]
async fn both_instances_starting_at_once_on_an_empty_database_come_up_and_agree() {
    let url = fresh_database();

    // No TROLLEY_SECRET_KEY: the two race to generate the kept key as well.
    let a = Instance::spawn(&url, None);
    let b = Instance::spawn(&url, None);
    a.wait_healthy(std::time::Duration::from_secs(60));
    b.wait_healthy(std::time::Duration::from_secs(60));

    assert_eq!(
        count(&url, "SELECT COUNT(*) AS n FROM products"),
        14,
        "seeded once"
    );
    assert_eq!(
        count(&url, "SELECT COUNT(*) AS n FROM secrets"),
        1,
        "one key"
    );
    let browser = Browser::new(&a.address);
    browser.add_to_basket(MUG, 1).await;
    browser.point_at(&b.address);
    assert!(browser
        .get("/basket")
        .await
        .body
        .contains("Enamel Camping Mug"));
    for instance in [&a, &b] {
        assert!(!instance.log().contains("panicked"), "{}", instance.log());
    }
}

#[actix_web::test]
async fn behind_nginx_round_robin_a_whole_purchase_works_across_both_instances() {
    let Some(nginx_binary) = nginx_binary() else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "nginx is missing: install nginx"
        );
        eprintln!("nginx not found: the other tests here alternate between instances directly");
        return;
    };
    let url = fresh_database();
    let (a, b) = (
        Instance::start(&url, Some(SHARED_KEY)),
        Instance::start(&url, Some(SHARED_KEY)),
    );
    let nginx = Nginx::start(&nginx_binary, [a.port, b.port]);
    let browser = Browser::new(&nginx.address);

    for _ in 0..3 {
        assert_eq!(browser.get("/").await.status, StatusCode::OK);
    }
    browser.add_to_basket(MUG, 1).await;
    browser.add_to_basket(TEAPOT, 2).await;
    let (_, token) = browser.open_checkout().await;
    let placed = browser.place_order(&token).await;
    let receipt = browser.get(&format!("/orders/{token}")).await;

    assert_redirect_to(&placed, &format!("/orders/{token}"));
    assert!(receipt.body.contains("Thank you, Ada Lovelace"));
    assert_eq!(count(&url, "SELECT COUNT(*) AS n FROM orders"), 1);
    let log = nginx.access_log();
    for port in [a.port, b.port] {
        assert!(
            log.contains(&format!("upstream=127.0.0.1:{port}/")),
            "both instances served:\n{log}"
        );
    }
}
