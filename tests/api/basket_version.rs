//! Checkout orders exactly the basket the form showed (its `basket_version`), and an add
//! that races a checkout is never acknowledged and then lost.

use actix_web::http::StatusCode;

use crate::common::{assert_redirect_to, spawn_app, Browser, Page, MUG, TEAPOT};

async fn submit_checkout(browser: &Browser, form: &Page) -> Page {
    let order_token = form.hidden("order_token").expect("an order token");
    let version = form.hidden("basket_version").expect("a basket version");
    browser
        .submit(
            "/checkout",
            &[
                ("name", "Ada Lovelace"),
                ("email", "ada@example.com"),
                ("address", "12 St James's Square\nLondon\nSW1Y 4LB"),
                ("order_token", &order_token),
                ("basket_version", &version),
            ],
        )
        .await
}

#[actix_web::test]
async fn a_checkout_whose_basket_changed_since_the_form_is_409_with_the_current_basket() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    let (form, _) = shopper.open_checkout().await;
    // Another tab adds five teapots.
    shopper.add_to_basket(TEAPOT, 5).await;

    let page = submit_checkout(&shopper, &form).await;

    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(page.body.contains("Your basket changed"));
    assert!(page.body.contains("Stoneware Teapot") && page.body.contains("Enamel Camping Mug"));
    assert!(
        page.body.contains("Ada Lovelace"),
        "the details typed are kept"
    );
    assert_eq!(app.count("orders"), 0);
    let new_version = page.hidden("basket_version").expect("a new version");
    assert_ne!(Some(new_version), form.hidden("basket_version"));

    // The form shown again places exactly what it shows.
    let placed = submit_checkout(&shopper, &page).await;
    let token = page.hidden("order_token").expect("a token");
    assert_redirect_to(&placed, &format!("/orders/{token}"));
    assert_eq!(
        app.scalar("SELECT CAST(SUM(quantity) AS BIGINT) AS n FROM order_lines"),
        6
    );
}

#[actix_web::test]
async fn a_price_change_since_the_form_is_409_and_orders_nothing() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 2).await;
    let (form, _) = shopper.open_checkout().await;
    app.execute("UPDATE products SET price_pence = price_pence + 100 WHERE id = 1");

    let page = submit_checkout(&shopper, &form).await;

    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("£10.50"), "the current price is shown");
    assert_eq!(app.count("orders"), 0);
}

#[actix_web::test]
async fn order_token_replay_answers_before_the_basket_version() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    let (form, token) = shopper.open_checkout().await;
    let cookies = shopper.jar.borrow().clone();
    assert_redirect_to(
        &submit_checkout(&shopper, &form).await,
        &format!("/orders/{token}"),
    );
    *shopper.jar.borrow_mut() = cookies;

    let again = submit_checkout(&shopper, &form).await;

    assert_redirect_to(&again, &format!("/orders/{token}"));
    assert_eq!(app.count("orders"), 1);
}

#[actix_web::test]
async fn an_add_racing_a_checkout_is_either_ordered_or_kept_never_acknowledged_and_lost() {
    for _ in 0..3 {
        let app = spawn_app().await;
        let shopper = app.browser();
        shopper.add_to_basket(TEAPOT, 1).await;
        let (form, _) = shopper.open_checkout().await;

        let adds = (0..8).map(|_| shopper.add_to_basket(MUG, 1));
        let (checkout, adds) = futures::join!(
            submit_checkout(&shopper, &form),
            futures::future::join_all(adds)
        );

        let acknowledged = adds
            .iter()
            .filter(|page| page.status == StatusCode::SEE_OTHER)
            .count() as i64;
        for page in &adds {
            assert!(
                [StatusCode::SEE_OTHER, StatusCode::CONFLICT].contains(&page.status),
                "{}: {}",
                page.status,
                page.body
            );
        }
        assert!([StatusCode::SEE_OTHER, StatusCode::CONFLICT].contains(&checkout.status));
        // Every acknowledged mug is in the order or in a basket some live session holds.
        let ordered = app.scalar(
            "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) AS n FROM order_lines \
             WHERE product_id = 1",
        );
        let kept = app.scalar(
            "SELECT CAST(COALESCE(SUM(bi.quantity), 0) AS BIGINT) AS n FROM basket_items bi \
             WHERE bi.product_id = 1 AND EXISTS (SELECT 1 FROM sessions s \
             WHERE s.state LIKE '%' || bi.basket_id || '%')",
        );
        assert_eq!(
            ordered + kept,
            acknowledged,
            "ordered {ordered}, kept {kept}"
        );
    }
}

#[actix_web::test]
async fn a_checkout_without_a_basket_version_is_409_with_the_current_basket_and_orders_nothing() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    let (_, token) = shopper.open_checkout().await;
    let csrf = shopper.csrf_token().await;

    for version in [None, Some("")] {
        let mut fields = vec![
            ("csrf_token", csrf.as_str()),
            ("name", "Ada Lovelace"),
            ("email", "ada@example.com"),
            ("address", "12 St James's Square\nLondon\nSW1Y 4LB"),
            ("order_token", token.as_str()),
        ];
        fields.extend(version.map(|version| ("basket_version", version)));
        let page = shopper.post_form("/checkout", &fields).await;

        assert_eq!(
            page.status,
            StatusCode::CONFLICT,
            "{version:?}: {}",
            page.body
        );
        assert!(page.body.contains("Your basket changed"));
        assert!(page.body.contains("Enamel Camping Mug"));
        assert!(page.hidden("basket_version").is_some_and(|v| !v.is_empty()));
        assert_eq!(app.count("orders"), 0);
    }
}
