//! Faults: concurrent checkouts of overlapping products, a database that cannot be
//! written, a database that is locked, and `Retry-After` on every 503.

use std::process::Command;
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use trolley::config::DatabaseUrl;

use crate::common::{spawn_app, Browser, Page, TestApp, MUG, TEAPOT};

#[track_caller]
fn assert_503_with_retry_after(page: &Page) {
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "body: {}",
        page.body
    );
    let retry_after = page
        .header("retry-after")
        .expect("a 503 carries Retry-After");
    assert!(
        retry_after.parse::<u32>().is_ok_and(|secs| secs > 0),
        "Retry-After: {retry_after}"
    );
}

/// 20 shoppers each hold 3 of the same 5 products and check out together, 10 rounds.
#[actix_web::test]
async fn overlapping_checkouts_never_fail_and_leave_the_stock_exact() {
    const SHOPPERS: usize = 20;
    const ROUNDS: usize = 10;
    const PRODUCTS: [i64; 5] = [1, 2, 3, 4, 5];
    const STOCK: i32 = 10_000;
    let app = spawn_app().await;
    for id in PRODUCTS {
        app.set_stock(id, STOCK);
    }
    let started = Instant::now();
    let mut slowest = Duration::ZERO;

    for round in 0..ROUNDS {
        let mut shoppers = Vec::new();
        for i in 0..SHOPPERS {
            let shopper = app.browser();
            // Each shopper's 3 products start at a different place among the 5, so that
            // every pair of checkouts overlaps, in different orders.
            for k in [0, 2, 4] {
                let id = PRODUCTS[(i + round + k) % PRODUCTS.len()];
                let added = shopper.add_to_basket(id, 1).await;
                assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
            }
            let (_, token) = shopper.open_checkout().await;
            shoppers.push((shopper, token));
        }
        let checkouts = shoppers.iter().map(|(shopper, token)| async move {
            let start = Instant::now();
            let page = shopper.place_order(token).await;
            (page, start.elapsed())
        });
        for ((page, took), (_, token)) in futures::future::join_all(checkouts)
            .await
            .into_iter()
            .zip(&shoppers)
        {
            slowest = slowest.max(took);
            assert_eq!(
                page.location(),
                Some(format!("/orders/{token}").as_str()),
                "{} {}",
                page.status,
                page.body
            );
        }
    }

    let checkouts = (SHOPPERS * ROUNDS) as i64;
    eprintln!(
        "{checkouts} overlapping checkouts in {:.1} s, 0 errors, slowest {:.0} ms",
        started.elapsed().as_secs_f64(),
        slowest.as_secs_f64() * 1000.0
    );
    assert_eq!(app.count("orders"), checkouts);
    assert_eq!(app.count("order_lines"), checkouts * 3);
    let sold_each = checkouts * 3 / PRODUCTS.len() as i64;
    for id in PRODUCTS {
        assert_eq!(i64::from(app.stock_of(id)), i64::from(STOCK) - sold_each);
    }
}

/// Makes the SQLite database's files immutable (`chattr +i`, which binds root too) until
/// dropped. The shared-memory file is left alone: SQLite maps it into memory, and a write
/// to an immutable mapping kills the process with SIGBUS (see the README).
struct Immutable(Vec<String>);

impl Immutable {
    fn files(path: &str) -> Self {
        let files = vec![path.to_owned(), format!("{path}-wal")];
        for file in &files {
            let status = Command::new("chattr").args(["+i", file]).status();
            assert!(status.is_ok_and(|s| s.success()), "chattr +i {file}");
        }
        Self(files)
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        for file in &self.0 {
            let _ = Command::new("chattr").args(["-i", file]).status();
        }
    }
}

#[actix_web::test]
async fn an_unwritable_sqlite_database_answers_writes_with_503_and_healthz_says_so() {
    let app = spawn_app().await;
    let DatabaseUrl::Sqlite(path) = app.database.url.clone() else {
        return; // PostgreSQL: see the read-only test below.
    };
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    assert_eq!(shopper.get("/healthz").await.status, StatusCode::OK);
    let stranger = app.browser();
    stranger.csrf_token().await;

    let fault = Immutable::files(&path);
    let add = shopper.add_to_basket(TEAPOT, 1).await;
    let new_session = stranger.add_to_basket(TEAPOT, 1).await;
    let health = app.browser().get("/healthz").await;
    let reading = shopper.get("/basket").await;
    drop(fault);

    assert_503_with_retry_after(&add);
    assert_503_with_retry_after(&new_session);
    // The session store's failure is answered outside the middleware chain, with its id.
    assert!(new_session.header("x-request-id").is_some());
    assert_503_with_retry_after(&health);
    assert_eq!(health.body, "unavailable");
    assert_eq!(reading.status, StatusCode::OK, "reads still work");
    assert!(reading.body.contains("Enamel Camping Mug"));
    // Writable again: the same process serves writes again.
    assert_eq!(shopper.get("/healthz").await.status, StatusCode::OK);
    let again = shopper.add_to_basket(TEAPOT, 1).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
}

#[actix_web::test]
async fn healthz_is_503_when_postgres_is_read_only() {
    let app = spawn_app().await;
    let DatabaseUrl::Postgres(url) = app.database.url.clone() else {
        return; // SQLite: see the unwritable-file test above.
    };
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    let name = url.rsplit('/').next().expect("a database name").to_owned();
    let mut admin = diesel::PgConnection::establish(&url).expect("connect");
    let read_only = |on: &str| {
        format!(
            "ALTER DATABASE {name} SET default_transaction_read_only = {on}; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{name}' AND pid <> pg_backend_pid();"
        )
    };
    admin.batch_execute(&read_only("on")).expect("read only");

    // A monitor has no session cookie.
    let monitor = app.browser();
    let health = wait_for_status(&monitor, "/healthz", StatusCode::SERVICE_UNAVAILABLE).await;
    let add = shopper.add_to_basket(TEAPOT, 1).await;
    admin.batch_execute(&read_only("off")).expect("writable");

    assert_eq!(health.body, "unavailable");
    assert_503_with_retry_after(&health);
    assert_503_with_retry_after(&add);
    wait_for_status(&monitor, "/healthz", StatusCode::OK).await;
}

/// A PostgreSQL session keeps the read-only default its database had when it started: a
/// connection opened while the database was read-only refuses every write after the
/// database is writable again. The pool replaces such a connection at its first refusal.
#[actix_web::test]
async fn connections_opened_while_postgres_was_read_only_are_replaced_when_it_is_writable() {
    let app = spawn_app().await;
    let DatabaseUrl::Postgres(url) = app.database.url.clone() else {
        return; // SQLite has no read-only sessions.
    };
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    let name = url.rsplit('/').next().expect("a database name").to_owned();
    let mut admin = diesel::PgConnection::establish(&url).expect("connect");
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {name} SET default_transaction_read_only = on; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{name}' AND pid <> pg_backend_pid();"
        ))
        .expect("read only");
    // Pages that only read are served again, on connections opened read-only; the
    // health check's write is refused on them.
    wait_for_status(&shopper, "/basket", StatusCode::OK).await;
    let monitor = app.browser();
    let refused = wait_for_status(&monitor, "/healthz", StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(refused.body, "unavailable");
    assert!(
        app.db.is_available(),
        "the database answers: it only refuses writes"
    );

    // Writable again for new sessions; the pool's sessions, opened read-only, stay so.
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {name} SET default_transaction_read_only = off"
        ))
        .expect("writable");

    wait_for_status(&monitor, "/healthz", StatusCode::OK).await;
    let add = shopper.add_to_basket(TEAPOT, 1).await;
    assert_eq!(add.status, StatusCode::SEE_OTHER, "{}", add.body);
}

/// Asks for `path` until it answers `status` (at most 10 s): the pool's connections learn
/// about a change of the server one by one.
async fn wait_for_status(browser: &Browser, path: &str, status: StatusCode) -> Page {
    let start = Instant::now();
    loop {
        let page = browser.get(path).await;
        if page.status == status || start.elapsed() > Duration::from_secs(10) {
            assert_eq!(page.status, status, "{path}: {}", page.body);
            return page;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Holds the write lock of SQLite, or the lock of the product rows on PostgreSQL, from a
/// connection of the test's own, in an open transaction.
fn hold_locks(app: &TestApp) -> Box<dyn SimpleConnection> {
    match &app.database.url {
        DatabaseUrl::Sqlite(path) => {
            let mut conn = diesel::SqliteConnection::establish(path).expect("connect");
            conn.batch_execute("BEGIN IMMEDIATE")
                .expect("take the write lock");
            Box::new(conn)
        }
        DatabaseUrl::Postgres(url) => {
            let mut conn = diesel::PgConnection::establish(url).expect("connect");
            conn.batch_execute(
                "BEGIN; SELECT id FROM products FOR UPDATE; LOCK TABLE basket_items IN EXCLUSIVE MODE;",
            )
            .expect("lock the products");
            Box::new(conn)
        }
    }
}

#[actix_web::test]
async fn a_locked_database_answers_503_with_retry_after_within_five_seconds() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    let (_, token) = shopper.open_checkout().await;

    let mut lock = hold_locks(&app);
    let start = Instant::now();
    let add = shopper.add_to_basket(TEAPOT, 1).await;
    let add_took = start.elapsed();
    let start = Instant::now();
    let checkout = shopper.place_order(&token).await;
    let checkout_took = start.elapsed();
    lock.batch_execute("ROLLBACK").expect("release the locks");

    eprintln!(
        "locked database: add answered in {:.2} s, checkout in {:.2} s",
        add_took.as_secs_f64(),
        checkout_took.as_secs_f64()
    );
    assert_503_with_retry_after(&add);
    assert_503_with_retry_after(&checkout);
    assert!(add_took < Duration::from_secs(5), "{add_took:?}");
    assert!(checkout_took < Duration::from_secs(5), "{checkout_took:?}");
    assert_eq!(app.count("orders"), 0, "nothing ordered");
    let placed = shopper.place_order(&token).await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);
}
