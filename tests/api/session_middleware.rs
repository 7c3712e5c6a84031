//! The session middleware with the Diesel store, over real HTTP, with routes of the test's
//! own.

use std::net::TcpListener;

use actix_session::Session;
use actix_web::cookie::{Key, SameSite};
use actix_web::{web, App, HttpResponse, HttpServer};
use trolley::db::models::session;
use trolley::db::Db;
use trolley::session::{middleware as session_middleware, Requests, SESSION_COOKIE};

use crate::common::{test_settings, Browser, TestDatabase};

struct SessionServer {
    address: String,
    db: Db,
    handle: actix_web::dev::ServerHandle,
}

async fn set(session: Session, value: web::Path<String>) -> actix_web::Result<HttpResponse> {
    session.insert("value", value.into_inner())?;
    Ok(HttpResponse::Ok().body("set"))
}

async fn get(session: Session) -> actix_web::Result<HttpResponse> {
    let value: Option<String> = session.get("value")?;
    Ok(HttpResponse::Ok().body(value.unwrap_or_else(|| "none".into())))
}

async fn purge(session: Session) -> HttpResponse {
    session.purge();
    HttpResponse::Ok().body("purged")
}

fn serve(database: &TestDatabase, key: &Key, secure: bool) -> SessionServer {
    let mut settings = test_settings(database);
    settings.cookie_secure = secure;
    let db = Db::new(&database.url, 8);
    db.migrate().expect("migrations run");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let (app_db, key) = (db.clone(), key.clone());
    let server = HttpServer::new(move || {
        App::new()
            .wrap(session_middleware(
                &app_db,
                &key,
                &settings,
                Requests::ThatWrite,
            ))
            .route("/set/{value}", web::post().to(set))
            .route("/get", web::get().to(get))
            .route("/purge", web::post().to(purge))
    })
    .workers(2)
    .listen(listener)
    .expect("listen")
    .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    SessionServer {
        address: format!("http://127.0.0.1:{port}"),
        db,
        handle,
    }
}

fn rows(db: &Db) -> i64 {
    session::count(&mut db.conn().expect("conn")).expect("count")
}

#[actix_web::test]
async fn a_value_set_on_one_request_is_there_on_the_next() {
    let database = TestDatabase::new();
    let server = serve(&database, &Key::generate(), false);
    let browser = Browser::new(&server.address);

    browser.post_form("/set/apple", &[]).await;
    let page = browser.get("/get").await;

    assert_eq!(page.body, "apple");
}

#[actix_web::test]
async fn two_clients_never_see_each_others_state() {
    let database = TestDatabase::new();
    let server = serve(&database, &Key::generate(), false);
    let (alice, bob) = (Browser::new(&server.address), Browser::new(&server.address));

    alice.post_form("/set/alice", &[]).await;
    bob.post_form("/set/bob", &[]).await;

    assert_eq!(alice.get("/get").await.body, "alice");
    assert_eq!(bob.get("/get").await.body, "bob");
    assert_eq!(Browser::new(&server.address).get("/get").await.body, "none");
}

#[actix_web::test]
async fn a_reader_without_a_session_gets_no_row_and_no_cookie() {
    let database = TestDatabase::new();
    let server = serve(&database, &Key::generate(), false);
    let browser = Browser::new(&server.address);

    let page = browser.get("/get").await;

    assert!(page.set_cookies().is_empty());
    assert_eq!(rows(&server.db), 0);
}

#[actix_web::test]
async fn a_request_that_changes_nothing_writes_nothing() {
    let database = TestDatabase::new();
    let server = serve(&database, &Key::generate(), false);
    let browser = Browser::new(&server.address);
    browser.post_form("/set/pear", &[]).await;

    let before = server.db.statements().get();
    let page = browser.get("/get").await;
    let after = server.db.statements().get();

    assert_eq!(page.body, "pear");
    assert_eq!(after - before, 1, "only the session read");
    assert!(page.set_cookies().is_empty(), "no new cookie either");
}

#[actix_web::test]
async fn the_cookie_is_signed_http_only_lax_and_holds_only_the_key() {
    let database = TestDatabase::new();
    let server = serve(&database, &Key::generate(), false);
    let browser = Browser::new(&server.address);

    let page = browser.post_form("/set/secret-value", &[]).await;

    let cookie = page
        .set_cookies()
        .into_iter()
        .find(|cookie| cookie.name() == SESSION_COOKIE)
        .expect("a session cookie");
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(cookie.same_site(), Some(SameSite::Lax));
    assert_eq!(cookie.path(), Some("/"));
    assert_ne!(cookie.secure(), Some(true));
    assert!(!cookie.value().contains("secret-value"));
}

#[actix_web::test]
async fn the_cookie_is_secure_when_configured() {
    let database = TestDatabase::new();
    let server = serve(&database, &Key::generate(), true);
    let browser = Browser::new(&server.address);

    let page = browser.post_form("/set/x", &[]).await;

    let cookie = page
        .set_cookies()
        .into_iter()
        .find(|cookie| cookie.name() == SESSION_COOKIE)
        .expect("a session cookie");
    assert_eq!(cookie.secure(), Some(true));
}

#[actix_web::test]
async fn a_tampered_cookie_is_a_new_empty_session_not_an_error() {
    let database = TestDatabase::new();
    let server = serve(&database, &Key::generate(), false);
    let browser = Browser::new(&server.address);
    browser.post_form("/set/mine", &[]).await;
    let original = browser.cookie(SESSION_COOKIE).expect("cookie");

    let mut tampered = original.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    browser.set_cookie(SESSION_COOKIE, &String::from_utf8(tampered).expect("ascii"));
    let page = browser.get("/get").await;

    assert_eq!(page.status, 200);
    assert_eq!(page.body, "none");
}

#[actix_web::test]
async fn an_unknown_or_garbage_cookie_is_a_new_empty_session() {
    let database = TestDatabase::new();
    let server = serve(&database, &Key::generate(), false);
    for garbage in ["", "x", "%%%", "a=b", &"z".repeat(3000)] {
        let browser = Browser::new(&server.address);
        browser.set_cookie(SESSION_COOKIE, garbage);

        let page = browser.get("/get").await;

        assert_eq!(page.status, 200, "{garbage:?}");
        assert_eq!(page.body, "none");
    }
}

#[actix_web::test]
async fn a_purged_session_is_deleted_and_its_cookie_removed() {
    let database = TestDatabase::new();
    let server = serve(&database, &Key::generate(), false);
    let browser = Browser::new(&server.address);
    browser.post_form("/set/gone", &[]).await;
    let stale = browser.cookie(SESSION_COOKIE).expect("cookie");

    browser.post_form("/purge", &[]).await;

    assert_eq!(browser.cookie(SESSION_COOKIE), None);
    assert_eq!(rows(&server.db), 0);
    // Replaying the old cookie finds nothing.
    browser.set_cookie(SESSION_COOKIE, &stale);
    assert_eq!(browser.get("/get").await.body, "none");
}

#[actix_web::test]
async fn sessions_survive_building_a_new_server_on_the_same_database() {
    let database = TestDatabase::new();
    let key = Key::generate();
    let first = serve(&database, &key, false);
    let browser = Browser::new(&first.address);
    browser.post_form("/set/kept", &[]).await;
    first.handle.stop(true).await;

    let second = serve(&database, &key, false);
    *browser.base.borrow_mut() = second.address.clone();

    assert_eq!(browser.get("/get").await.body, "kept");
}
