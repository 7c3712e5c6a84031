//! HTTP manners: HEAD, 405 with `Allow`, 415 and malformed escapes, one `Cache-Control`,
//! the admin idle timeout, and receipt tokens kept out of the access log.

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use actix_web::http::{header, Method, StatusCode};

use crate::common::{
    assert_redirect_to, spawn_app, spawn_app_with, TestApp, ADMIN, ADMIN_PASSWORD, MUG,
};

/// A raw request with any method, content type and body; no cookies.
async fn request(
    app: &TestApp,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: &str,
) -> (StatusCode, header::HeaderMap, Vec<u8>) {
    let client = awc::Client::default();
    let mut request = client.request(method, format!("{}{path}", app.address));
    if let Some(content_type) = content_type {
        request = request.insert_header((header::CONTENT_TYPE, content_type));
    }
    let mut response = request.send_body(body.to_owned()).await.expect("an answer");
    let body = response.body().await.expect("a body").to_vec();
    let mut headers = header::HeaderMap::new();
    for (name, value) in response.headers() {
        headers.append(name.clone(), value.clone());
    }
    (response.status(), headers, body)
}

const VOLATILE: [&str; 3] = ["date", "set-cookie", "x-request-id"];

#[actix_web::test]
async fn head_answers_like_get_without_a_body() {
    let app = spawn_app().await;
    for path in [
        "/healthz",
        "/",
        "/products/1",
        "/basket",
        "/static/css/trolley.css",
        "/nope",
    ] {
        let (get_status, get_headers, get_body) = request(&app, Method::GET, path, None, "").await;
        let (status, headers, body) = request(&app, Method::HEAD, path, None, "").await;

        assert_eq!(status, get_status, "HEAD {path}");
        assert!(body.is_empty(), "HEAD {path} has no body");
        for (name, value) in &get_headers {
            if !VOLATILE.contains(&name.as_str()) {
                assert_eq!(headers.get(name), Some(value), "HEAD {path}: {name}");
            }
        }
        if get_status == StatusCode::OK {
            assert!(!get_body.is_empty());
        }
    }
    let (status, _, _) = request(&app, Method::HEAD, "/healthz", None, "").await;
    assert_eq!(status, StatusCode::OK);
}

#[actix_web::test]
async fn another_method_on_a_known_path_is_405_with_allow() {
    let app = spawn_app().await;
    let cases = [
        (Method::DELETE, "/basket", "GET, HEAD"),
        (Method::PUT, "/checkout", "GET, HEAD, POST"),
        (Method::GET, "/basket/items", "POST"),
        (Method::PATCH, "/healthz", "GET, HEAD"),
        (Method::PUT, "/admin/login", "GET, HEAD, POST"),
        (Method::DELETE, "/static/css/trolley.css", "GET, HEAD"),
        (
            Method::POST,
            "/orders/00000000-0000-0000-0000-000000000000",
            "GET, HEAD",
        ),
    ];
    for (method, path, allow) in cases {
        let (status, headers, _) = request(&app, method.clone(), path, None, "").await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(
            headers.get(header::ALLOW).and_then(|v| v.to_str().ok()),
            Some(allow),
            "{method} {path}"
        );
    }
    let (status, _, _) = request(&app, Method::DELETE, "/no/such/page", None, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_post_that_is_not_a_urlencoded_form_is_415_and_changes_nothing() {
    let app = spawn_app().await;
    let shopper = app.browser();
    let token = shopper.csrf_token().await;
    shopper.add_to_basket(MUG, 1).await;
    let before = app.snapshot();
    let body = format!("csrf_token={token}&product_id=2&quantity=1");
    let cookies = shopper.jar.borrow().clone();
    let cookie_header = cookies
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("; ");

    for content_type in [
        Some("application/json"),
        Some("text/plain"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let client = awc::Client::default();
        let mut request = client
            .post(format!("{}/basket/items", app.address))
            .insert_header((header::COOKIE, cookie_header.clone()));
        if let Some(content_type) = content_type {
            request = request.insert_header((header::CONTENT_TYPE, content_type));
        }
        let response = request.send_body(body.clone()).await.expect("an answer");
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
    }
    assert_eq!(app.snapshot(), before);
}

#[actix_web::test]
async fn a_malformed_percent_escape_is_400_and_changes_nothing() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    let token = shopper.csrf_token().await;
    let before = app.snapshot();

    for body in [
        format!("csrf_token={token}&product_id=2&quantity=1&note=%zz"),
        format!("csrf_token={token}&product_id=2&quantity=1&%4=x"),
        format!("csrf_token={token}&product_id=2&quantity=1&note=100%"),
    ] {
        let page = shopper.post_raw("/basket/items", body.clone()).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{body}");
    }
    assert_eq!(app.snapshot(), before);
}

fn cache_controls(headers: &header::HeaderMap) -> Vec<String> {
    headers
        .get_all(header::CACHE_CONTROL)
        .filter_map(|value| value.to_str().ok().map(str::to_owned))
        .collect()
}

#[actix_web::test]
async fn every_answer_has_one_cache_control_no_store_on_private_pages_public_only_on_static_files()
{
    let app = spawn_app().await;
    app.create_admin(ADMIN, ADMIN_PASSWORD);
    let token = app.buy(MUG, 1, "Ada", "ada@example.com").await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    let admin = app.browser();
    admin.log_in(ADMIN, ADMIN_PASSWORD).await;

    let no_store = [
        shopper.get("/basket").await,
        shopper.get("/checkout").await,
        shopper.get(&format!("/orders/{token}")).await,
        shopper.get("/orders/not-a-token").await,
        shopper.get("/static/no-such-file.css").await,
        shopper.get("/no-such-page").await,
        admin.get("/admin/orders").await,
        admin.get("/admin/orders/1").await,
        admin.get("/admin/orders/999").await,
        admin.get("/admin/orders.csv").await,
        app.browser().get("/admin/orders").await,
        app.browser().get("/admin/login").await,
    ];
    for page in &no_store {
        assert_eq!(
            cache_controls(&page.headers),
            ["no-store"],
            "{}",
            page.status
        );
    }
    let css = shopper.get("/static/css/trolley.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(cache_controls(&css.headers), ["public, max-age=86400"]);
    let catalogue = shopper.get("/").await;
    assert_eq!(cache_controls(&catalogue.headers).len(), 1);
    assert!(!cache_controls(&catalogue.headers)[0].contains("public"));
}

#[actix_web::test]
async fn an_admin_idle_longer_than_the_timeout_is_signed_out() {
    let app = spawn_app_with(|settings| settings.admin_idle_timeout = Duration::from_secs(2)).await;
    app.create_admin(ADMIN, ADMIN_PASSWORD);
    let admin = app.browser();
    admin.log_in(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(admin.get("/admin/orders").await.status, StatusCode::OK);
    actix_web::rt::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(
        admin.get("/admin/orders").await.status,
        StatusCode::OK,
        "activity keeps the session"
    );

    actix_web::rt::time::sleep(Duration::from_millis(3_200)).await;
    let page = admin.get("/admin/orders").await;

    assert_redirect_to(&page, "/admin/login");
    assert!(!page.body.contains("Ada"));
    assert_eq!(app.count("sessions"), 0, "the idle session is gone");
    assert_redirect_to(&admin.get("/admin/orders").await, "/admin/login");
}

/// Every log line of this test binary, from the first test that asks on.
fn captured_log() -> &'static Mutex<Vec<String>> {
    static LINES: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    struct Capture;
    impl log::Log for Capture {
        fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
            metadata.level() <= log::Level::Info
        }
        fn log(&self, record: &log::Record<'_>) {
            if let Some(lines) = LINES.get() {
                if let Ok(mut lines) = lines.lock() {
                    lines.push(record.args().to_string());
                }
            }
        }
        fn flush(&self) {}
    }
    LINES.get_or_init(|| {
        if log::set_logger(&Capture).is_ok() {
            log::set_max_level(log::LevelFilter::Info);
        }
        Mutex::new(Vec::new())
    })
}

#[actix_web::test]
async fn the_access_log_redacts_receipt_tokens() {
    let lines = captured_log();
    let app = spawn_app().await;
    let token = app.buy(MUG, 1, "Ada", "ada@example.com").await;
    let shopper = app.browser();

    let receipt = shopper.get(&format!("/orders/{token}")).await;
    assert_eq!(receipt.status, StatusCode::OK);
    actix_web::rt::time::sleep(Duration::from_millis(100)).await;

    let log = lines.lock().expect("the log").join("\n");
    assert!(log.contains("GET /orders/[redacted]"), "{log}");
    assert!(!log.contains(&token), "the token is in the log");
}
