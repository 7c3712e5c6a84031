//! A signed-in checkout: the form filled from the account, the order the account's, the
//! shopper still signed in under a new key, the basket emptied on every device.

use actix_web::http::StatusCode;

use super::{account_id, in_account_basket, signed_in, signed_up};
use crate::common::{spawn_app, MUG, TEAPOT};

#[actix_web::test]
async fn a_signed_in_checkout_is_filled_keeps_the_shopper_signed_in_and_lists_the_order() {
    let app = spawn_app().await;
    let shopper = signed_up(&app, "jo@example.com").await;
    let other_device = signed_in(&app, "jo@example.com").await;
    shopper.add_to_basket(TEAPOT, 1).await;
    let (form, token) = shopper.open_checkout().await;
    assert!(
        form.body.contains("value=\"jo@example.com\""),
        "{}",
        form.body
    );
    let key = shopper.cookie("trolley_session");

    let placed = shopper
        .submit(
            "/checkout",
            &[
                ("name", "Jo Bloggs"),
                ("email", "jo@example.com"),
                ("address", "1 Test Street\nLeeds LS1 1AA"),
                ("order_token", &token),
            ],
        )
        .await;

    assert_eq!(placed.location(), Some(format!("/orders/{token}").as_str()));
    assert_ne!(shopper.cookie("trolley_session"), key, "a new key");
    let account = shopper.get("/account").await;
    assert_eq!(account.status, StatusCode::OK, "still signed in");
    assert!(account.body.contains("T0000"), "{}", account.body);
    assert!(account.body.contains(&format!("/orders/{token}")));
    let id = account_id(&app, "jo@example.com");
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM orders WHERE account_id = {id}"
        )),
        1
    );
    assert_eq!(in_account_basket(&app, "jo@example.com", TEAPOT), 0);
    let elsewhere = other_device.get("/basket").await;
    assert!(
        elsewhere.body.contains("(0 items in your basket)"),
        "{}",
        elsewhere.body
    );

    // The next checkout starts from the account's details and its last address.
    shopper.add_to_basket(MUG, 1).await;
    let (again, next_token) = shopper.open_checkout().await;
    assert_ne!(next_token, token, "a new order token");
    assert!(again.body.contains("Jo Bloggs") || again.body.contains("jo@example.com"));
    assert!(
        again.body.contains("1 Test Street\nLeeds LS1 1AA"),
        "{}",
        again.body
    );
}

#[actix_web::test]
async fn a_resubmitted_signed_in_checkout_makes_one_order() {
    let app = spawn_app().await;
    let shopper = signed_up(&app, "jo@example.com").await;
    shopper.add_to_basket(TEAPOT, 1).await;
    let (_, token) = shopper.open_checkout().await;
    let stale = shopper.snapshot();

    let first = shopper.place_order(&token).await;
    let again = shopper.place_order(&token).await;
    let from_before = stale.place_order(&token).await;

    for page in [&first, &again, &from_before] {
        assert_eq!(page.location(), Some(format!("/orders/{token}").as_str()));
    }
    assert_eq!(app.count("orders"), 1);
}

#[actix_web::test]
async fn a_guest_checkout_still_ends_the_session() {
    let app = spawn_app().await;
    let guest = app.browser();
    guest.add_to_basket(TEAPOT, 1).await;
    let (_, token) = guest.open_checkout().await;

    guest.place_order(&token).await;

    assert_eq!(guest.cookie("trolley_session"), None);
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM orders WHERE account_id IS NULL"),
        1
    );
}
