//! GET /admin/baskets: the live baskets, from unexpired sessions only, read-only.

use std::time::Instant;

use actix_web::http::StatusCode;

use crate::common::{assert_redirect_to, spawn_app, TestApp, ADMIN, ADMIN_PASSWORD, MUG, TEAPOT};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn stat(body: &str, id: &str, value: &str) -> bool {
    body.contains(&format!("id=\"{id}\">{value}<"))
}

#[actix_web::test]
async fn live_baskets_count_only_unexpired_sessions_and_show_idle_ones() {
    let app = spawn_app().await;
    let ttl = app.settings.session_ttl.as_secs() as i64;
    let expired = app.browser();
    expired.add_to_basket(TEAPOT, 5).await;
    app.execute(&format!("UPDATE sessions SET expires_at = {}", now() - 10));
    app.execute(&format!("UPDATE baskets SET expires_at = {}", now() - 10));
    let idle = app.browser();
    idle.add_to_basket(MUG, 1).await;
    app.execute(&format!(
        "UPDATE baskets SET expires_at = {} WHERE expires_at > {}",
        now() + ttl - 2 * 86_400,
        now()
    ));
    let busy = app.browser();
    busy.add_to_basket(MUG, 2).await;
    busy.add_to_basket(TEAPOT, 1).await;
    app.create_admin(ADMIN, ADMIN_PASSWORD);
    let admin = app.browser();
    admin.log_in(ADMIN, ADMIN_PASSWORD).await;
    admin.get("/admin/orders").await; // the minute's "last seen" write is done

    let before = app.snapshot();
    let statements = app.statements();
    let page = admin.get("/admin/baskets").await;
    let used = app.statements() - statements;

    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(
        stat(&page.body, "live-sessions", "3"),
        "two shoppers and the admin"
    );
    assert!(stat(&page.body, "open-baskets", "2"));
    assert!(stat(&page.body, "units", "4"));
    assert!(stat(&page.body, "value", "£60.50"));
    assert!(stat(&page.body, "idle-count", "1"));
    assert!(page.body.contains("Enamel Camping Mug</th><td class=\"num\" data-label=\"Baskets\">2</td><td class=\"num\" data-label=\"Units\">3</td>"));
    assert!(
        !page.body.contains(">5<"),
        "the expired basket's 5 teapots are not counted"
    );
    assert_eq!(
        used, 6,
        "the session, the header's count of failed emails and four reads"
    );
    assert_eq!(app.snapshot(), before, "nothing written");
}

#[actix_web::test]
async fn live_baskets_need_an_admin_session() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;

    let page = shopper.get("/admin/baskets").await;

    assert_redirect_to(&page, "/admin/login");
    assert!(!page.body.contains("Enamel"));
}

/// Inserts `count` live sessions, a basket with two lines for one in a hundred, in bulk.
fn fill_sessions(app: &TestApp, count: i64) {
    let expires = now() + 86_400;
    // In batches: each statement runs under the app's 4 s statement timeout.
    for start in (1..=count).step_by(100_000) {
        let end = (start + 99_999).min(count);
        app.execute(&format!(
            "INSERT INTO sessions (key_hash, state, expires_at) \
             SELECT sha256(('measure-' || i)::bytea), '{{}}', {expires} \
             FROM generate_series({start}, {end}) AS i"
        ));
    }
    app.execute(&format!(
        "INSERT INTO baskets (id, expires_at) \
         SELECT 'measure-' || i, {expires} - (i % 3) * 86400 FROM generate_series(1, {count} / 100) AS i"
    ));
    app.execute(
        "INSERT INTO basket_items (basket_id, product_id, quantity) \
         SELECT id, 1 + (abs(hashtext(id)) % 14), 2 FROM baskets WHERE id LIKE 'measure-%'",
    );
    app.execute(
        "INSERT INTO basket_items (basket_id, product_id, quantity) \
         SELECT id, 1 + ((abs(hashtext(id)) + 1) % 14), 1 FROM baskets WHERE id LIKE 'measure-%'",
    );
    app.execute("ANALYZE sessions");
    app.execute("ANALYZE baskets");
    app.execute("ANALYZE basket_items");
}

/// The figure for the README: GET /admin/baskets over 1,000,000 session rows (10,000
/// baskets). PostgreSQL only; run with `--ignored`.
#[actix_web::test]
#[ignore = "a measurement: inserts a million rows"]
async fn measure_live_baskets_over_a_million_sessions() {
    let app = spawn_app().await;
    if !app.database.is_postgres() {
        return;
    }
    fill_sessions(&app, 1_000_000);
    app.create_admin(ADMIN, ADMIN_PASSWORD);
    let admin = app.browser();
    admin.log_in(ADMIN, ADMIN_PASSWORD).await;
    admin.get("/admin/baskets").await; // warm

    let mut times = Vec::new();
    let statements = app.statements();
    for _ in 0..5 {
        let started = Instant::now();
        let page = admin.get("/admin/baskets").await;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(page.status, StatusCode::OK);
    }
    let per_view = (app.statements() - statements) / 5;
    times.sort_by(f64::total_cmp);
    println!(
        "GET /admin/baskets over 1,000,000 sessions: {per_view} statements; \
         median {:.1} ms, max {:.1} ms",
        times[2], times[4]
    );
}
