//! The races an account brings, each on both backends: two devices checking out the one
//! basket, a sign-in or a sign-out while another tab adds, concurrent sign-ins, a reset
//! while signed in elsewhere, an account deleted with a checkout form open.

use actix_web::http::StatusCode;

use super::{in_account_basket, signed_in, signed_up, PASSWORD};
use crate::common::{spawn_app, MUG, TEAPOT};

#[actix_web::test]
async fn two_devices_checking_out_the_shared_basket_at_once_make_one_order_and_the_other_is_told() {
    let app = spawn_app().await;
    let phone = signed_up(&app, "jo@example.com").await;
    let laptop = signed_in(&app, "jo@example.com").await;
    phone.add_to_basket(TEAPOT, 2).await;
    let stock = app.stock_of(TEAPOT);
    let (_, phone_token) = phone.open_checkout().await;
    let (_, laptop_token) = laptop.open_checkout().await;

    let (on_phone, on_laptop) = futures::join!(
        phone.place_order(&phone_token),
        laptop.place_order(&laptop_token)
    );

    assert_eq!(app.count("orders"), 1);
    assert_eq!(app.stock_of(TEAPOT), stock - 2);
    let phone_won = on_phone.location() == Some(format!("/orders/{phone_token}").as_str());
    let (winner, loser, loser_device) = match phone_won {
        true => (on_phone, on_laptop, laptop),
        false => (on_laptop, on_phone, phone),
    };
    assert!(winner
        .location()
        .is_some_and(|to| to.starts_with("/orders/")));
    assert_eq!(loser.location(), Some("/basket"), "{}", loser.body);
    let told = loser_device.get("/basket").await;
    assert!(
        told.body
            .contains("If you placed an order from another device"),
        "{}",
        told.body
    );
}

#[actix_web::test]
async fn a_sign_in_while_another_tab_adds_loses_no_add() {
    let app = spawn_app().await;
    signed_up(&app, "jo@example.com").await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    // The other tab's requests carry the guest cookie, sent before the sign-in's answer.
    let other_tab = shopper.snapshot();

    let adds = (0..10).map(|_| {
        let tab = other_tab.snapshot();
        async move { tab.add_to_basket(MUG, 1).await.status }
    });
    let (statuses, signed) = futures::join!(
        futures::future::join_all(adds),
        shopper.sign_in("jo@example.com", PASSWORD)
    );

    assert_eq!(signed.location(), Some("/account"));
    // An add either landed (before the merge, in the guest basket, and was merged; or
    // after it, following the merge into the account's basket), or came after the
    // sign-in ended its session and was refused, changing nothing (its form's CSRF token
    // was the old session's): none is answered as done and lost.
    let added = added_or_refused(&statuses);
    assert_eq!(in_account_basket(&app, "jo@example.com", MUG), 1 + added);
    assert_eq!(
        app.in_baskets(MUG),
        1 + added,
        "nothing left behind in a guest basket"
    );
}

#[actix_web::test]
async fn concurrent_sign_ins_of_one_guest_basket_count_it_once() {
    let app = spawn_app().await;
    let phone = signed_up(&app, "jo@example.com").await;
    phone.add_to_basket(MUG, 2).await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 3).await;
    let (first, second) = (shopper.snapshot(), shopper.snapshot());

    let (a, b) = futures::join!(
        first.sign_in("jo@example.com", PASSWORD),
        second.sign_in("jo@example.com", PASSWORD)
    );

    assert_eq!(
        (a.location(), b.location()),
        (Some("/account"), Some("/account"))
    );
    assert_eq!(
        in_account_basket(&app, "jo@example.com", MUG),
        5,
        "2 + 3, once"
    );
}

#[actix_web::test]
async fn a_sign_out_in_one_tab_while_another_adds_loses_no_add() {
    let app = spawn_app().await;
    let shopper = signed_up(&app, "jo@example.com").await;
    let other_tab = shopper.snapshot();

    let adds = (0..10).map(|_| {
        let tab = other_tab.snapshot();
        async move { tab.add_to_basket(MUG, 1).await.status }
    });
    let (statuses, out) = futures::join!(
        futures::future::join_all(adds),
        shopper.submit("/account/logout", &[])
    );

    assert_eq!(out.location(), Some("/"));
    // Adds before the sign-out are the account's; those after it are refused (their
    // session is over), changing nothing.
    let added = added_or_refused(&statuses);
    assert_eq!(in_account_basket(&app, "jo@example.com", MUG), added);
    assert_eq!(app.in_baskets(MUG), added);
}

#[actix_web::test]
async fn deleting_an_account_with_a_checkout_form_open_elsewhere_orders_nothing() {
    let app = spawn_app().await;
    let phone = signed_up(&app, "jo@example.com").await;
    let laptop = signed_in(&app, "jo@example.com").await;
    laptop.add_to_basket(MUG, 1).await;
    let (_, earlier) = laptop.open_checkout().await;
    laptop.place_order(&earlier).await;
    phone.add_to_basket(TEAPOT, 1).await;
    let (_, token_now) = phone.open_checkout().await;

    laptop.get("/account/delete").await;
    let deleted = laptop
        .submit("/account/delete", &[("password", PASSWORD)])
        .await;
    let attempt = phone.place_order(&token_now).await;

    assert_eq!(deleted.location(), Some("/"));
    assert!(
        attempt
            .location()
            .is_none_or(|to| !to.starts_with("/orders/")),
        "{:?} {}",
        attempt.location(),
        attempt.body
    );
    assert_eq!(app.count("orders"), 1, "the earlier order stays");
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM orders WHERE account_id IS NULL"),
        1
    );
    assert_eq!(app.count("accounts"), 0);
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM sessions WHERE account_id IS NOT NULL"),
        0
    );
    assert_eq!(
        app.in_baskets(TEAPOT),
        0,
        "the account's basket went with it"
    );
}

/// How many of these adds were answered as done (303); every other one must have been
/// refused as a stale form (403).
fn added_or_refused(statuses: &[StatusCode]) -> i64 {
    assert!(
        statuses
            .iter()
            .all(|status| [StatusCode::SEE_OTHER, StatusCode::FORBIDDEN].contains(status)),
        "{statuses:?}"
    );
    let added = statuses
        .iter()
        .filter(|status| **status == StatusCode::SEE_OTHER);
    i64::try_from(added.count()).unwrap_or(i64::MAX)
}
