//! Signing up, in and out: the key renewed, the guest basket merged, the header telling.

use std::time::{Duration, Instant};

use actix_web::http::StatusCode;

use super::{account_id, in_account_basket, signed_in, signed_up, PASSWORD};
use crate::common::{assert_redirect_to, spawn_app, spawn_app_on, MUG, TEAPOT, WATERING_CAN};

#[actix_web::test]
async fn signing_up_renews_the_session_key_and_keeps_the_guest_basket() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.add_to_basket(TEAPOT, 2).await;
    let guest_key = shopper.cookie("trolley_session").expect("a session");
    let planted = shopper.snapshot();

    let answer = shopper.sign_up("Jo@Example.com", PASSWORD).await;

    assert_redirect_to(&answer, "/account");
    assert_ne!(
        shopper.cookie("trolley_session"),
        Some(guest_key),
        "renewed"
    );
    let basket = shopper.get("/basket").await;
    assert!(
        basket.body.contains("(2 items in your basket)"),
        "{}",
        basket.body
    );
    assert!(basket.body.contains("Your account") && basket.body.contains("Sign out"));
    assert_eq!(in_account_basket(&app, "jo@example.com", TEAPOT), 2);
    // The key from before the sign-up is worth nothing now.
    let old = planted.get("/account").await;
    assert_eq!(old.location(), Some("/account/login?next=%2Faccount"));
    let account = shopper.get("/account").await;
    assert!(account.body.contains("jo@example.com"), "{}", account.body);
}

#[actix_web::test]
async fn a_sign_up_with_bad_fields_is_422_and_a_taken_email_409_whatever_its_case() {
    let app = spawn_app().await;
    signed_up(&app, "jo@example.com").await;
    let other = app.browser();
    other.get("/account/signup").await;

    let bad = other
        .submit(
            "/account/signup",
            &[("email", "not-an-email"), ("password", "short")],
        )
        .await;
    let taken = other
        .submit(
            "/account/signup",
            &[("email", "JO@example.COM"), ("password", PASSWORD)],
        )
        .await;

    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("<title>Error: "), "{}", bad.body);
    assert!(bad.body.contains("href=\"#password\""), "{}", bad.body);
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert!(taken.body.contains("/account/reset"), "{}", taken.body);
    assert!(taken.body.contains("/account/login"), "{}", taken.body);
    assert!(
        !taken.body.contains(PASSWORD),
        "the password is never shown again"
    );
    assert_eq!(app.count("accounts"), 1);
}

#[actix_web::test]
async fn logging_in_merges_the_guest_basket_summing_capped_at_the_stock_and_dropping_off_sale_lines(
) {
    let app = spawn_app().await;
    let phone = signed_up(&app, "jo@example.com").await;
    phone.add_to_basket(WATERING_CAN, 3).await; // 5 in stock
    let laptop = app.browser();
    laptop.add_to_basket(WATERING_CAN, 2).await;
    laptop.add_to_basket(MUG, 1).await;
    laptop.add_to_basket(TEAPOT, 1).await;
    app.set_active(TEAPOT, false);
    app.set_stock(WATERING_CAN, 4);

    let answer = laptop.sign_in("jo@example.com", PASSWORD).await;
    let landed = laptop.get("/basket").await;

    assert_redirect_to(&answer, "/account");
    assert_eq!(in_account_basket(&app, "jo@example.com", WATERING_CAN), 4);
    assert_eq!(in_account_basket(&app, "jo@example.com", MUG), 1);
    assert_eq!(in_account_basket(&app, "jo@example.com", TEAPOT), 0);
    assert!(
        landed.body.contains("Copper Watering Can"),
        "{}",
        landed.body
    );
    // Both devices show the one basket.
    let on_phone = phone.get("/basket").await;
    assert!(
        on_phone.body.contains("(5 items in your basket)"),
        "{}",
        on_phone.body
    );
    assert_eq!(
        app.count("basket_merges"),
        1,
        "the guest basket left a redirect"
    );
}

#[actix_web::test]
async fn the_page_after_signing_in_says_what_was_merged_capped_and_left_out() {
    let app = spawn_app().await;
    let phone = signed_up(&app, "jo@example.com").await;
    phone.add_to_basket(WATERING_CAN, 3).await;
    let laptop = app.browser();
    laptop.add_to_basket(WATERING_CAN, 3).await;
    laptop.add_to_basket(TEAPOT, 1).await;
    app.set_active(TEAPOT, false);

    laptop.get("/account/login").await;
    let answer = laptop
        .submit(
            "/account/login",
            &[("email", "jo@example.com"), ("password", PASSWORD)],
        )
        .await;
    let page = laptop.follow(&answer).await.expect("a redirect");

    assert!(
        page.body.contains("3 × Copper Watering Can"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("together that came to 6, but we have only 5 in stock"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("left out: Stoneware Teapot"),
        "{}",
        page.body
    );
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_email_get_one_message_after_the_same_delay() {
    let app = spawn_app().await;
    signed_up(&app, "jo@example.com").await;
    let shopper = app.browser();
    shopper.get("/account/login").await;

    let mut answers = Vec::new();
    for email in ["jo@example.com", "nobody@example.com"] {
        let started = Instant::now();
        let page = shopper
            .submit(
                "/account/login",
                &[("email", email), ("password", "wrong password")],
            )
            .await;
        answers.push((page, started.elapsed()));
    }

    for (page, took) in &answers {
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        assert!(page.body.contains("That email and password do not match"));
        assert!(*took >= Duration::from_secs(1), "{took:?}");
    }
    assert!(answers[0].0.body.contains("value=\"jo@example.com\""));
}

#[actix_web::test]
async fn the_sixth_failed_login_for_an_email_is_429_on_any_instance() {
    let first = spawn_app().await;
    let second = spawn_app_on(std::rc::Rc::clone(&first.database), first.settings.clone()).await;
    signed_up(&first, "jo@example.com").await;

    let mut statuses = Vec::new();
    for attempt in 0..6 {
        let app = if attempt % 2 == 0 { &first } else { &second };
        let shopper = app.browser();
        shopper.get("/account/login").await;
        let page = shopper
            .submit(
                "/account/login",
                &[("email", "JO@example.com"), ("password", "wrong password")],
            )
            .await;
        statuses.push(page.status.as_u16());
    }
    let shopper = second.browser();
    shopper.get("/account/login").await;
    let right = shopper
        .submit(
            "/account/login",
            &[("email", "jo@example.com"), ("password", PASSWORD)],
        )
        .await;

    assert_eq!(statuses, [401, 401, 401, 401, 401, 429]);
    assert_eq!(
        right.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password"
    );
    assert!(right.header("retry-after").is_some());
    // An admin named like the email is counted apart.
    assert_eq!(
        first.scalar("SELECT COUNT(*) AS n FROM login_failures WHERE realm = 'admin'"),
        0
    );
}

#[actix_web::test]
async fn signing_out_gives_a_new_empty_session_and_leaves_the_basket_with_the_account() {
    let app = spawn_app().await;
    let shopper = signed_up(&app, "jo@example.com").await;
    shopper.add_to_basket(MUG, 2).await;

    let answer = shopper.submit("/account/logout", &[]).await;
    let after = shopper.get("/").await;

    assert_redirect_to(&answer, "/");
    assert!(
        after.body.contains("(0 items in your basket)"),
        "{}",
        after.body
    );
    assert!(after.body.contains("Sign in"), "{}", after.body);
    assert_eq!(in_account_basket(&app, "jo@example.com", MUG), 2);
    let again = signed_in(&app, "jo@example.com").await;
    let basket = again.get("/basket").await;
    assert!(
        basket.body.contains("(2 items in your basket)"),
        "{}",
        basket.body
    );
}

#[actix_web::test]
async fn every_device_shows_the_same_basket_and_parallel_adds_from_two_lose_nothing() {
    let first = spawn_app().await;
    let second = spawn_app_on(std::rc::Rc::clone(&first.database), first.settings.clone()).await;
    let phone = signed_up(&first, "jo@example.com").await;
    let laptop = signed_in(&second, "jo@example.com").await;

    let adds = (0..20).map(|i| {
        let device = if i % 2 == 0 {
            phone.clone()
        } else {
            laptop.clone()
        };
        async move { device.add_to_basket(MUG, 1).await.status }
    });
    let statuses = futures::future::join_all(adds).await;

    assert!(
        statuses
            .iter()
            .all(|status| *status == StatusCode::SEE_OTHER),
        "{statuses:?}"
    );
    assert_eq!(in_account_basket(&first, "jo@example.com", MUG), 20);
    for device in [&phone, &laptop] {
        let page = device.get("/basket").await;
        assert!(
            page.body.contains("(20 items in your basket)"),
            "{}",
            page.body
        );
    }
    assert!(account_id(&first, "jo@example.com") > 0);
}

#[actix_web::test]
async fn a_sign_in_form_sends_the_shopper_back_to_a_local_next_page_only() {
    let app = spawn_app().await;
    signed_up(&app, "jo@example.com").await;

    let back = app.browser();
    back.get("/account/login?next=/checkout").await;
    let local = back
        .submit(
            "/account/login",
            &[
                ("email", "jo@example.com"),
                ("password", PASSWORD),
                ("next", "/basket"),
            ],
        )
        .await;
    let away = app.browser();
    away.get("/account/login").await;
    let elsewhere = away
        .submit(
            "/account/login",
            &[
                ("email", "jo@example.com"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;

    assert_redirect_to(&local, "/basket");
    assert_redirect_to(&elsewhere, "/account");
}
