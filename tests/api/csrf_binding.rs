//! The CSRF token of a browser with a session is bound to that session, and changes when
//! the session key does (admin login, logout, checkout).

use actix_web::http::StatusCode;
use trolley::web::csrf::CSRF_COOKIE;

use crate::common::{assert_redirect_to, spawn_app, Browser, TestApp, ADMIN, ADMIN_PASSWORD, MUG};

async fn app_with_admin_and_an_order() -> (TestApp, String) {
    let app = spawn_app().await;
    app.create_admin(ADMIN, ADMIN_PASSWORD);
    let token = app.buy(MUG, 1, "Ada Lovelace", "ada@example.com").await;
    (app, token)
}

/// A logged-in admin's browser, on the orders page (whose forms carry its token).
async fn logged_in_admin(app: &TestApp) -> Browser {
    let admin = app.browser();
    admin.log_in(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(admin.get("/admin/orders").await.status, StatusCode::OK);
    admin
}

#[actix_web::test]
async fn a_csrf_token_signed_for_another_browser_is_refused_with_an_admin_session() {
    let (app, _) = app_with_admin_and_an_order().await;
    let admin = logged_in_admin(&app).await;
    // An attacker's own anonymous visit: a token and the signed cookie that vouches for it.
    let attacker = app.browser();
    let attacker_token = attacker.csrf_token().await;
    let attacker_cookie = attacker.cookie(CSRF_COOKIE).expect("a CSRF cookie");
    // Planted in the admin's browser, posted with the admin's session cookie.
    admin.set_cookie(CSRF_COOKIE, &attacker_cookie);

    let page = admin
        .post_form(
            "/admin/orders/1/status",
            &[("csrf_token", &attacker_token), ("status", "cancelled")],
        )
        .await;

    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM orders WHERE status = 'placed'"),
        1,
        "the order is not cancelled"
    );
    let own = admin
        .submit("/admin/orders/1/status", &[("status", "shipped")])
        .await;
    assert_redirect_to(&own, "/admin/orders/1");
}

#[actix_web::test]
async fn a_shopper_session_accepts_only_its_own_token() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    let other = app.browser();
    other.add_to_basket(MUG, 1).await;
    let others_token = other.csrf_token().await;
    let others_cookie = other.cookie(CSRF_COOKIE).expect("a CSRF cookie");
    let own_cookie = shopper.cookie(CSRF_COOKIE).expect("a CSRF cookie");
    let before = app.snapshot();
    // The other browser's token and the cookie that vouches for it, planted.
    shopper.set_cookie(CSRF_COOKIE, &others_cookie);

    let page = shopper
        .post_form(
            "/basket/items",
            &[
                ("csrf_token", &others_token),
                ("product_id", "2"),
                ("quantity", "1"),
            ],
        )
        .await;

    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.snapshot(), before);
    shopper.set_cookie(CSRF_COOKIE, &own_cookie);
    // The shopper's own token, adopted from its first visit, still works in its other tabs.
    assert_eq!(
        shopper.add_to_basket(2, 1).await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn the_csrf_token_changes_when_the_admin_logs_in_and_out() {
    let app = spawn_app().await;
    app.create_admin(ADMIN, ADMIN_PASSWORD);
    let browser = app.browser();
    let anonymous = browser.csrf_token().await;

    browser.log_in(ADMIN, ADMIN_PASSWORD).await;
    let admin_page = browser.get("/admin/orders").await;
    let logged_in = admin_page.hidden("csrf_token").expect("a token");
    let stale = browser
        .post_form("/admin/logout", &[("csrf_token", &anonymous)])
        .await;
    assert_eq!(
        stale.status,
        StatusCode::FORBIDDEN,
        "the pre-login token is dead"
    );

    let logout = browser.submit("/admin/logout", &[]).await;
    assert_redirect_to(&logout, "/admin/login");
    let after = browser
        .get("/admin/login")
        .await
        .hidden("csrf_token")
        .expect("a token");

    assert_ne!(anonymous, logged_in);
    assert_ne!(logged_in, after);
    assert_ne!(anonymous, after, "logout drops the CSRF cookie too");
    assert_eq!(
        app.count("sessions"),
        0,
        "a reader after logout has no session row"
    );
}

#[actix_web::test]
async fn the_csrf_token_changes_at_checkout() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    let (_, order_token) = shopper.open_checkout().await;
    let before = shopper.csrf_token().await;

    let placed = shopper.place_order(&order_token).await;
    assert_redirect_to(&placed, &format!("/orders/{order_token}"));
    let after = shopper
        .get("/")
        .await
        .hidden("csrf_token")
        .expect("a token");

    assert_ne!(before, after);
    let stale = shopper
        .post_form(
            "/basket/items",
            &[
                ("csrf_token", &before),
                ("product_id", "1"),
                ("quantity", "1"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("sessions"), 0, "readers still get no session row");
}
