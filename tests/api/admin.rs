//! The admin area: access, login, orders and their handling.

use actix_web::http::StatusCode;
use trolley::session::SESSION_COOKIE;

use crate::common::{
    assert_redirect_to, spawn_app, spawn_app_with, TestApp, ADMIN, ADMIN_PASSWORD, MUG, TEAPOT,
};

async fn app_with_admin() -> TestApp {
    let app = spawn_app().await;
    app.create_admin(ADMIN, ADMIN_PASSWORD);
    app
}

#[actix_web::test]
async fn without_an_admin_session_gets_go_to_login_and_posts_are_403_with_no_order_data() {
    let app = app_with_admin().await;
    app.buy(MUG, 1, "Secret Customer", "secret@example.com")
        .await;
    let stranger = app.browser();
    stranger.add_to_basket(TEAPOT, 1).await; // a shopper's session is not an admin's

    for path in [
        "/admin",
        "/admin/orders",
        "/admin/orders/1",
        "/admin/orders.csv",
        "/admin/orders?q=secret",
    ] {
        let page = stranger.get(path).await;
        assert_redirect_to(&page, "/admin/login");
        assert!(!page.body.contains("Secret"), "{path}");
    }
    for path in ["/admin/orders/1/status", "/admin/logout"] {
        let page = stranger.submit(path, &[("status", "shipped")]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!page.body.contains("Secret"), "{path}");
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM orders WHERE status = 'placed'"),
        1
    );
}

#[actix_web::test]
async fn logging_in_opens_the_orders_and_renews_the_session_key() {
    let app = app_with_admin().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await; // a session exists before login
    let before = browser.cookie(SESSION_COOKIE).expect("a session");

    let page = browser.log_in(ADMIN, ADMIN_PASSWORD).await;

    assert_redirect_to(&page, "/admin/orders");
    let after = browser.cookie(SESSION_COOKIE).expect("a session");
    assert_ne!(before, after, "a new key: no fixation");
    assert_eq!(app.count("sessions"), 1, "the old session row is gone");
    assert_eq!(browser.get("/admin/orders").await.status, StatusCode::OK);
    assert!(
        browser
            .get("/basket")
            .await
            .body
            .contains("Your basket is empty"),
        "no basket in the admin session"
    );
    // The key from before login opens nothing.
    let attacker = app.browser();
    attacker.set_cookie(SESSION_COOKIE, &before);
    assert_redirect_to(&attacker.get("/admin/orders").await, "/admin/login");
}

#[actix_web::test]
async fn usernames_are_case_insensitive() {
    let app = app_with_admin().await;

    assert_redirect_to(
        &app.browser().log_in("ADMIN", ADMIN_PASSWORD).await,
        "/admin/orders",
    );
}

#[actix_web::test]
async fn a_wrong_username_or_password_is_401_with_one_message() {
    let app = app_with_admin().await;
    let browser = app.browser();

    let wrong_password = browser.log_in(ADMIN, "nope").await;
    let wrong_username = browser.log_in("nobody", ADMIN_PASSWORD).await;

    for page in [&wrong_password, &wrong_username] {
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        assert!(page
            .body
            .contains("That username and password do not match."));
    }
    assert_eq!(app.count("sessions"), 0);
}

/// An unknown username's password is never checked (no hashing to flood); every failed
/// login is answered after the same delay, so that the two cannot be told apart by time.
#[actix_web::test]
async fn a_failed_login_takes_the_same_time_whether_or_not_the_username_exists() {
    let app = app_with_admin().await;
    let timed = |username: &'static str| {
        let browser = app.browser();
        async move {
            let started = std::time::Instant::now();
            let page = browser.log_in(username, "nope").await;
            assert_eq!(page.status, StatusCode::UNAUTHORIZED);
            started.elapsed()
        }
    };

    let (wrong_password, unknown) = futures::join!(timed(ADMIN), timed("nobody"));

    let delay = trolley::auth::FAILED_LOGIN_DELAY;
    assert!(wrong_password >= delay, "{wrong_password:?}");
    assert!(unknown >= delay, "{unknown:?}");
    let apart = wrong_password.abs_diff(unknown);
    assert!(apart < delay / 2, "{wrong_password:?} and {unknown:?}");
}

#[actix_web::test]
async fn five_failures_for_a_username_make_the_next_attempt_429() {
    let app = app_with_admin().await;
    let browser = app.browser();

    for _ in 0..5 {
        assert_eq!(
            browser.log_in(ADMIN, "wrong").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let throttled = browser.log_in(ADMIN, ADMIN_PASSWORD).await;
    let other_user = app.browser().log_in("someone-else", "wrong").await;

    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.header("retry-after").is_some());
    assert_eq!(
        other_user.status,
        StatusCode::UNAUTHORIZED,
        "counted per username"
    );
    assert_eq!(
        browser.get("/admin/orders").await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn failures_are_counted_in_the_database_so_every_instance_sees_them() {
    let app = app_with_admin().await;
    let second =
        crate::common::spawn_app_on(std::rc::Rc::clone(&app.database), app.settings.clone()).await;

    for i in 0..5 {
        let instance = if i % 2 == 0 { &app } else { &second };
        instance.browser().log_in(ADMIN, "wrong").await;
    }

    assert_eq!(
        second.browser().log_in(ADMIN, ADMIN_PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[actix_web::test]
async fn logout_destroys_the_session() {
    let app = app_with_admin().await;
    let browser = app.browser();
    browser.log_in(ADMIN, ADMIN_PASSWORD).await;
    // As a browser does: follow the redirect, whose page has the new CSRF token.
    browser.get("/admin/orders").await;
    let admin_cookie = browser.cookie(SESSION_COOKIE).expect("a session");

    let page = browser.submit("/admin/logout", &[]).await;

    assert_redirect_to(&page, "/admin/login");
    assert_eq!(browser.cookie(SESSION_COOKIE), None);
    assert_eq!(app.count("sessions"), 0);
    assert_redirect_to(&browser.get("/admin/orders").await, "/admin/login");
    browser.set_cookie(SESSION_COOKIE, &admin_cookie);
    assert_redirect_to(&browser.get("/admin/orders").await, "/admin/login");
}

#[actix_web::test]
async fn admin_pages_are_never_stored_by_the_browser() {
    let app = app_with_admin().await;
    let browser = app.browser();
    browser.log_in(ADMIN, ADMIN_PASSWORD).await;
    app.buy(MUG, 1, "Ada", "ada@example.com").await;

    for path in [
        "/admin/orders",
        "/admin/orders/1",
        "/admin/orders.csv",
        "/admin/login",
    ] {
        assert_eq!(
            browser.get(path).await.header("cache-control"),
            Some("no-store"),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn the_list_is_newest_first_with_filters_search_and_totals() {
    let app = app_with_admin().await;
    app.buy(MUG, 1, "Ada Lovelace", "ada@example.com").await;
    app.buy(TEAPOT, 1, "Charles Babbage", "charles@engine.org")
        .await;
    app.buy(MUG, 2, "Grace Hopper", "grace@navy.mil").await;
    let admin = app.browser();
    admin.log_in(ADMIN, ADMIN_PASSWORD).await;
    // As a browser does: follow the redirect, whose page has the new CSRF token.
    admin.get("/admin/orders").await;
    admin
        .submit("/admin/orders/2/status", &[("status", "shipped")])
        .await;

    let all = admin.get("/admin/orders").await.body;
    let grace = all.find("Grace Hopper").expect("Grace");
    let ada = all.find("Ada Lovelace").expect("Ada");
    assert!(grace < ada, "newest first");
    assert!(all.contains("<strong>3</strong> orders"));
    assert!(all.contains("£60.50"), "9.50 + 32.00 + 19.00");

    let shipped = admin.get("/admin/orders?status=shipped").await.body;
    assert!(shipped.contains("Charles Babbage") && !shipped.contains("Ada Lovelace"));
    assert!(shipped.contains("<strong>1</strong> order"));

    for (q, expected) in [
        ("ada", "Ada Lovelace"),
        ("ENGINE.ORG", "Charles Babbage"),
        ("T000003", "Grace Hopper"),
        ("%233", "Grace Hopper"),
        ("3", "Grace Hopper"),
    ] {
        let body = admin.get(&format!("/admin/orders?q={q}")).await.body;
        assert!(body.contains(expected), "{q}");
    }
    let nobody = admin.get("/admin/orders?q=%25").await.body;
    assert!(
        nobody.contains("No orders match"),
        "% is a literal, not a wildcard"
    );
    assert_eq!(
        admin.get("/admin/orders?status=lost").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        admin.get("/admin/orders?page=0").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        admin.get("/admin/orders?page=x").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[actix_web::test]
async fn more_than_fifty_orders_are_paged() {
    let app = app_with_admin().await;
    app.insert_orders(55, "Customer", "c@example.com", 1000);
    let admin = app.browser();
    admin.log_in(ADMIN, ADMIN_PASSWORD).await;

    let first = admin.get("/admin/orders").await.body;
    let second = admin.get("/admin/orders?page=2").await.body;
    let beyond = admin.get("/admin/orders?page=3").await;

    assert_eq!(first.matches("href=\"/admin/orders/").count(), 50);
    assert!(first.contains("Customer 54") && !first.contains("Customer 4<"));
    assert!(first.contains("Page 1 of 2") && first.contains("page=2"));
    assert_eq!(second.matches("href=\"/admin/orders/").count(), 5);
    assert!(second.contains("Customer 0<"));
    assert!(first.contains("<strong>55</strong> orders") && first.contains("£550.00"));
    assert_eq!(beyond.status, StatusCode::OK);
}

#[actix_web::test]
async fn an_order_shows_its_lines_customer_and_history() {
    let app = app_with_admin().await;
    app.buy(MUG, 2, "Ada Lovelace", "ada@example.com").await;
    let admin = app.browser();
    admin.log_in(ADMIN, ADMIN_PASSWORD).await;

    let page = admin.get("/admin/orders/1").await;

    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "T000001",
        "Enamel Camping Mug",
        "£9.50",
        "£19.00",
        "Ada Lovelace",
        "ada@example.com",
        "1 Test Street",
        "Mark shipped",
        "Placed</strong> by the customer",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    assert_eq!(
        admin.get("/admin/orders/999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/admin/orders/abc").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn placed_orders_ship_or_cancel_and_nothing_else_changes() {
    let app = app_with_admin().await;
    app.buy(MUG, 1, "Ada", "ada@example.com").await;
    app.buy(TEAPOT, 3, "Bob", "bob@example.com").await;
    let admin = app.browser();
    admin.log_in(ADMIN, ADMIN_PASSWORD).await;
    // As a browser does: follow the redirect, whose page has the new CSRF token.
    admin.get("/admin/orders").await;

    let ship = admin
        .submit("/admin/orders/1/status", &[("status", "shipped")])
        .await;
    assert_redirect_to(&ship, "/admin/orders/1");
    let page = admin.get("/admin/orders/1").await.body;
    assert!(page.contains("Shipped</strong> by admin"));
    assert!(!page.contains("Mark shipped"));

    for (id, status) in [
        ("1", "cancelled"),
        ("1", "placed"),
        ("1", "shipped"),
        ("2", "placed"),
    ] {
        let refused = admin
            .submit(&format!("/admin/orders/{id}/status"), &[("status", status)])
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{id} → {status}");
    }
    assert_eq!(
        admin
            .submit("/admin/orders/2/status", &[("status", "lost")])
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        admin
            .submit("/admin/orders/99/status", &[("status", "shipped")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin
            .post_form("/admin/orders/2/status", &[("status", "shipped")])
            .await
            .status,
        StatusCode::FORBIDDEN,
        "CSRF"
    );

    assert_eq!(app.stock_of(TEAPOT), 9);
    let cancel = admin
        .submit("/admin/orders/2/status", &[("status", "cancelled")])
        .await;
    assert_redirect_to(&cancel, "/admin/orders/2");
    assert_eq!(app.stock_of(TEAPOT), 12, "cancelling puts the stock back");
    assert_eq!(
        admin
            .submit("/admin/orders/2/status", &[("status", "cancelled")])
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(app.stock_of(TEAPOT), 12, "only once");
}

#[actix_web::test]
async fn the_csv_export_has_the_filtered_orders_and_neutralises_formulas() {
    let app = app_with_admin().await;
    app.buy(MUG, 1, "=HYPERLINK(\"http://evil\")", "eve@example.com")
        .await;
    app.buy(TEAPOT, 2, "Grace, \"Amazing\" Hopper", "grace@navy.mil")
        .await;
    let admin = app.browser();
    admin.log_in(ADMIN, ADMIN_PASSWORD).await;

    let csv = admin.get("/admin/orders.csv").await;
    let filtered = admin.get("/admin/orders.csv?q=grace").await;

    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/csv"));
    assert!(csv
        .header("content-disposition")
        .unwrap_or_default()
        .contains("attachment"));
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let headers = reader.headers().expect("a header row").clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        [
            "number",
            "placed_at",
            "status",
            "payment",
            "name",
            "email",
            "address",
            "items",
            "total"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("valid CSV");
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][4], "Grace, \"Amazing\" Hopper");
    assert_eq!(&rows[0][3], "not_required", "no payment step");
    assert_eq!(&rows[0][7], "2");
    assert_eq!(&rows[0][8], "64.00");
    assert_eq!(&rows[1][4], "'=HYPERLINK(\"http://evil\")");
    let filtered_rows = csv::Reader::from_reader(filtered.body.as_bytes())
        .records()
        .count();
    assert_eq!(filtered_rows, 1, "only Grace");
}

#[actix_web::test]
async fn customer_fields_are_escaped_on_every_admin_page() {
    let app = app_with_admin().await;
    let token = app
        .buy(MUG, 1, "<script>alert(1)</script>", "x@example.com")
        .await;
    let admin = app.browser();
    admin.log_in(ADMIN, ADMIN_PASSWORD).await;

    for path in [
        "/admin/orders".to_owned(),
        "/admin/orders/1".to_owned(),
        "/admin/orders?q=script".to_owned(),
        format!("/orders/{token}"),
    ] {
        let body = admin.get(&path).await.body;
        assert!(!body.contains("<script>alert(1)"), "{path}");
        assert!(
            body.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn the_orders_page_draws_the_last_thirty_days() {
    let app = app_with_admin().await;
    app.buy(MUG, 1, "Ada", "ada@example.com").await;
    let admin = app.browser();
    admin.log_in(ADMIN, ADMIN_PASSWORD).await;

    let body = admin.get("/admin/orders").await.body;

    assert!(body.contains("<svg"));
    assert_eq!(body.matches("class=\"chart-bar\"").count(), 30);
    assert!(body.contains("1 order, £9.50"));
}

#[actix_web::test]
async fn the_admin_from_the_environment_is_created_at_start() {
    let app = spawn_app_with(|settings| {
        settings.admin_user = Some("Boss".into());
        settings.admin_password = Some(trolley::config::Password("a long enough password".into()));
    })
    .await;

    assert_redirect_to(
        &app.browser().log_in("boss", "a long enough password").await,
        "/admin/orders",
    );
    // Starting again with the admin there already is fine.
    let again =
        crate::common::spawn_app_on(std::rc::Rc::clone(&app.database), app.settings.clone()).await;
    assert_redirect_to(
        &again
            .browser()
            .log_in("boss", "a long enough password")
            .await,
        "/admin/orders",
    );
}

/// Every start with TROLLEY_ADMIN_USER meets the admin it made before: that is no error,
/// and the database is not made to raise one (PostgreSQL logged a duplicate key on every
/// start). A raised error would abort the transaction, and the next statement would fail.
#[actix_web::test]
async fn creating_an_admin_that_exists_raises_no_database_error() {
    use diesel::Connection;
    use trolley::db::models::admin;
    let app = spawn_app().await;
    let mut conn = app.db.conn().expect("a connection");
    let now = chrono::Utc::now().naive_utc();

    let found = (*conn).transaction(|conn| {
        assert!(admin::insert(conn, "ada", "hash", now)?, "created");
        assert!(!admin::insert(conn, "ada", "hash", now)?, "exists already");
        admin::find_by_username(conn, "ada")
    });

    assert_eq!(
        found.expect("no error raised").expect("the admin").username,
        "ada"
    );
}
