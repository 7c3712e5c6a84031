//! The signed-in shopper's own account: the pages guarded, the password changed, the
//! sessions listed and ended, the account deleted with its orders kept, detached.

use actix_web::http::StatusCode;

use super::{account_id, signed_in, signed_up, PASSWORD};
use crate::common::{assert_redirect_to, spawn_app, TEAPOT};

#[actix_web::test]
async fn signed_out_a_get_goes_to_the_login_form_and_a_post_is_403() {
    let app = spawn_app().await;
    let guest = app.browser();

    for path in [
        "/account",
        "/account/password",
        "/account/sessions",
        "/account/delete",
    ] {
        let page = guest.get(path).await;
        let login = format!("/account/login?next={}", path.replace('/', "%2F"));
        assert_redirect_to(&page, &login);
    }
    for path in [
        "/account/password",
        "/account/delete",
        "/account/sessions/end-others",
    ] {
        let page = guest.submit(path, &[("password", PASSWORD)]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
    }
    let login = guest.get("/account/login?next=/account/sessions").await;
    // (Tera writes `/` in an attribute as `&#x2F;`.)
    assert!(
        login
            .body
            .contains("name=\"next\" value=\"&#x2F;account&#x2F;sessions\""),
        "{}",
        login.body
    );
}

#[actix_web::test]
async fn changing_the_password_ends_the_other_sessions_and_keeps_this_one_under_a_new_key() {
    let app = spawn_app().await;
    let shopper = signed_up(&app, "jo@example.com").await;
    let other = signed_in(&app, "jo@example.com").await;
    let key = shopper.cookie("trolley_session");

    let wrong = shopper
        .submit(
            "/account/password",
            &[
                ("current", "not it at all"),
                ("password", "a new password 1"),
            ],
        )
        .await;
    let short = shopper
        .submit(
            "/account/password",
            &[("current", PASSWORD), ("password", "short")],
        )
        .await;
    let changed = shopper
        .submit(
            "/account/password",
            &[("current", PASSWORD), ("password", "a new password 1")],
        )
        .await;

    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("That is not your current password"));
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        short.body.contains("at least 10 characters"),
        "{}",
        short.body
    );
    assert_redirect_to(&changed, "/account");
    assert_ne!(shopper.cookie("trolley_session"), key, "a new key");
    let page = shopper.follow(&changed).await.expect("redirect");
    assert!(
        page.body.contains("your 1 other session is signed out"),
        "{}",
        page.body
    );
    assert_eq!(other.get("/account").await.status, StatusCode::SEE_OTHER);
    let fresh = app.browser();
    assert_eq!(
        fresh
            .sign_in("jo@example.com", "a new password 1")
            .await
            .location(),
        Some("/account")
    );
}

#[actix_web::test]
async fn the_sessions_page_lists_the_accounts_sessions_and_ends_the_others() {
    let app = spawn_app().await;
    let shopper = signed_up(&app, "jo@example.com").await;
    let other = signed_in(&app, "jo@example.com").await;
    let stranger = signed_up(&app, "sam@example.com").await;

    let listed = shopper.get("/account/sessions").await;
    let ended = shopper.submit("/account/sessions/end-others", &[]).await;

    assert_eq!(listed.body.matches("<tr").count() - 1, 2, "{}", listed.body);
    assert!(listed.body.contains("This one"));
    assert_redirect_to(&ended, "/account/sessions");
    assert_eq!(other.get("/account").await.status, StatusCode::SEE_OTHER);
    assert_eq!(shopper.get("/account").await.status, StatusCode::OK);
    assert_eq!(
        stranger.get("/account").await.status,
        StatusCode::OK,
        "another account's stay"
    );
}

#[actix_web::test]
async fn deleting_the_account_ends_its_sessions_and_keeps_its_orders_detached() {
    let app = spawn_app().await;
    let shopper = signed_up(&app, "jo@example.com").await;
    let other = signed_in(&app, "jo@example.com").await;
    shopper.add_to_basket(TEAPOT, 1).await;
    let (_, token) = shopper.open_checkout().await;
    shopper.place_order(&token).await;
    let id = account_id(&app, "jo@example.com");

    shopper.get("/account/delete").await;
    let wrong = shopper
        .submit("/account/delete", &[("password", "not it at all")])
        .await;
    let deleted = shopper
        .submit("/account/delete", &[("password", PASSWORD)])
        .await;

    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_redirect_to(&deleted, "/");
    assert_eq!(app.count("accounts"), 0);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM sessions WHERE account_id = {id}"
        )),
        0
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM orders WHERE account_id IS NULL"),
        1
    );
    let receipt = shopper.get(&format!("/orders/{token}")).await;
    assert_eq!(receipt.status, StatusCode::OK, "the receipt still works");
    assert_eq!(other.get("/account").await.status, StatusCode::SEE_OTHER);
    let again = app.browser();
    let refused = again.sign_in("jo@example.com", PASSWORD).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn every_page_header_shows_sign_in_or_the_accounts_name() {
    let app = spawn_app().await;
    let guest = app.browser();
    let shopper = app.browser();
    shopper.get("/account/signup").await;
    shopper
        .submit(
            "/account/signup",
            &[
                ("email", "jo@example.com"),
                ("name", "Jo Bloggs"),
                ("password", PASSWORD),
            ],
        )
        .await;

    for path in ["/", "/basket", "/products/1", "/no-such-page"] {
        let as_guest = guest.get(path).await;
        let as_jo = shopper.get(path).await;
        assert!(as_guest.body.contains("href=\"/account/login"), "{path}");
        assert!(as_guest.body.contains(">Sign in</a>"), "{path}");
        assert!(as_jo.body.contains("Jo Bloggs"), "{path}: {}", as_jo.body);
        assert!(as_jo.body.contains("action=\"/account/logout\""), "{path}");
    }
}

#[actix_web::test]
async fn account_pages_are_never_stored_by_a_cache() {
    let app = spawn_app().await;
    let shopper = signed_up(&app, "jo@example.com").await;
    let guest = app.browser();

    let pages = [
        shopper.get("/account").await,
        shopper.get("/account/password").await,
        shopper.get("/account/sessions").await,
        guest.get("/account/login").await,
        guest.get("/account/signup").await,
        guest.get("/account/reset").await,
        guest.get("/account/reset/unknown-token").await,
    ];

    for page in &pages {
        assert_eq!(
            page.header("cache-control"),
            Some("no-store"),
            "{}",
            page.body
        );
    }
    let shop = shopper.get("/").await;
    assert!(shop.body.contains("Your account"));
    assert_ne!(
        shop.header("cache-control"),
        Some("public"),
        "a page with a name on it"
    );
}
