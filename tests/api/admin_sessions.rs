//! Admins see their own sessions and end the others; a new password ends them all.

use actix_web::http::StatusCode;

use crate::common::{assert_redirect_to, spawn_app, Browser, TestApp, ADMIN, ADMIN_PASSWORD, MUG};

async fn app_and_two_devices() -> (TestApp, Browser, Browser) {
    let app = spawn_app().await;
    app.create_admin(ADMIN, ADMIN_PASSWORD);
    let laptop = app.browser();
    let phone = app.browser();
    assert_redirect_to(&laptop.log_in(ADMIN, ADMIN_PASSWORD).await, "/admin/orders");
    assert_redirect_to(&phone.log_in(ADMIN, ADMIN_PASSWORD).await, "/admin/orders");
    (app, laptop, phone)
}

#[actix_web::test]
async fn an_admin_sees_their_sessions_with_this_one_marked() {
    let (app, laptop, _phone) = app_and_two_devices().await;
    app.create_admin("other", "another password");
    app.browser().log_in("other", "another password").await;

    let page = laptop.get("/admin/sessions").await;

    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_eq!(
        page.body.matches("data-label=\"Signed in\"").count(),
        2,
        "not the other admin's"
    );
    assert_eq!(page.body.matches("This one").count(), 1);
    assert!(page.body.contains("action=\"/admin/sessions/end-others\""));
    assert_eq!(app.count("sessions"), 3);
}

#[actix_web::test]
async fn signing_out_everywhere_else_ends_the_other_sessions_at_once() {
    let (app, laptop, phone) = app_and_two_devices().await;

    let ended = laptop.submit("/admin/sessions/end-others", &[]).await;

    assert_redirect_to(&ended, "/admin/sessions");
    assert_redirect_to(&phone.get("/admin/orders").await, "/admin/login");
    assert_eq!(laptop.get("/admin/orders").await.status, StatusCode::OK);
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM sessions WHERE admin_id IS NOT NULL"),
        1
    );
}

#[actix_web::test]
async fn ending_other_sessions_needs_the_csrf_token_and_an_admin() {
    let (app, laptop, phone) = app_and_two_devices().await;
    let shopper = app.browser();

    let forged = laptop.post_form("/admin/sessions/end-others", &[]).await;
    let anonymous = shopper.submit("/admin/sessions/end-others", &[]).await;

    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(anonymous.status, StatusCode::FORBIDDEN);
    assert_eq!(phone.get("/admin/orders").await.status, StatusCode::OK);
    assert_redirect_to(&shopper.get("/admin/sessions").await, "/admin/login");
}

#[actix_web::test]
async fn a_new_password_from_create_admin_ends_all_that_admins_sessions() {
    let (app, laptop, phone) = app_and_two_devices().await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;

    app.create_admin(ADMIN, "a brand new password");

    assert_redirect_to(&laptop.get("/admin/orders").await, "/admin/login");
    assert_redirect_to(&phone.get("/admin/orders").await, "/admin/login");
    assert!(
        shopper
            .get("/basket")
            .await
            .body
            .contains("Enamel Camping Mug"),
        "shoppers keep theirs"
    );
}

#[actix_web::test]
async fn shopper_sessions_belong_to_no_admin_and_keys_stay_hashed() {
    let (app, laptop, _) = app_and_two_devices().await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;

    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM sessions WHERE admin_id IS NULL"),
        1
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM sessions WHERE admin_id IS NOT NULL"),
        2
    );
    let cookie = laptop.cookie("trolley_session").expect("a session cookie");
    let key = cookie.split('=').next_back().unwrap_or_default().to_owned();
    let leaked = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM sessions WHERE state LIKE '%{key}%' OR user_agent LIKE '%{key}%'"
    ));
    assert_eq!(leaked, 0);
}
