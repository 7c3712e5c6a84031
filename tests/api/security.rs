//! CSRF, headers, cookies, error pages, and bad input of every kind.

use actix_web::http::StatusCode;
use trolley::session::SESSION_COOKIE;
use trolley::web::csrf::CSRF_COOKIE;

use crate::common::{spawn_app, MUG, TEAPOT};

#[actix_web::test]
async fn every_post_without_a_valid_csrf_token_is_403_and_changes_nothing() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    let (_, token) = browser.open_checkout().await;
    let before = app.snapshot();

    let forms: [(&str, Vec<(&str, &str)>); 3] = [
        (
            "/basket/items",
            vec![("product_id", "2"), ("quantity", "1")],
        ),
        ("/basket/items/1", vec![("quantity", "5")]),
        (
            "/checkout",
            vec![
                ("name", "Ada"),
                ("email", "ada@example.com"),
                ("address", "London SW1A 1AA"),
                ("order_token", &token),
            ],
        ),
    ];
    for (path, fields) in &forms {
        // No token; a wrong token; another browser's token with that browser's cookie.
        let missing = browser.post_form(path, fields).await;
        let mut wrong_fields = fields.clone();
        wrong_fields.push(("csrf_token", "forged"));
        let wrong = browser.post_form(path, &wrong_fields).await;
        let stranger = app.browser();
        let stranger_token = stranger.csrf_token().await;
        let stranger_cookie = stranger.cookie(CSRF_COOKIE).expect("a CSRF cookie");
        let planted = app.browser();
        *planted.jar.borrow_mut() = browser.jar.borrow().clone();
        planted.set_cookie(CSRF_COOKIE, &stranger_cookie);
        let mut planted_fields = fields.clone();
        planted_fields.push(("csrf_token", &stranger_token));
        let other_browsers = planted.post_form(path, &planted_fields).await;

        for page in [&missing, &wrong, &other_browsers] {
            assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}: {}", page.body);
            assert!(page.body.contains("did not come from this site"));
        }
    }
    assert_eq!(app.snapshot(), before);
}

#[actix_web::test]
async fn a_csrf_cookie_from_another_key_is_refused() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.get("/").await;
    let token = browser.csrf_token().await;

    // A cookie the attacker made: right shape, no valid signature.
    browser.set_cookie(
        CSRF_COOKIE,
        &format!("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA={token}"),
    );
    let page = browser
        .post_form(
            "/basket/items",
            &[
                ("csrf_token", &token),
                ("product_id", "1"),
                ("quantity", "1"),
            ],
        )
        .await;

    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn pages_errors_and_static_files_carry_the_security_headers() {
    let app = spawn_app().await;
    let browser = app.browser();

    for path in [
        "/",
        "/products/1",
        "/basket",
        "/nowhere",
        "/products/999",
        "/static/css/trolley.css",
        "/healthz",
    ] {
        let page = browser.get(path).await;
        let csp = page.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(
            page.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(page.header("x-frame-options"), Some("DENY"), "{path}");
        assert!(page.header("referrer-policy").is_some(), "{path}");
    }
}

#[actix_web::test]
async fn static_files_are_served_with_cache_headers() {
    let app = spawn_app().await;

    let page = app.browser().get("/static/css/trolley.css").await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .header("cache-control")
        .unwrap_or_default()
        .contains("max-age"));
    assert!(page
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/css"));
}

#[actix_web::test]
async fn cookies_are_http_only_lax_and_path_wide() {
    let app = spawn_app().await;
    let browser = app.browser();

    let page = browser.add_to_basket(MUG, 1).await;

    let cookies = page.set_cookies();
    let session = cookies
        .iter()
        .find(|c| c.name() == SESSION_COOKIE)
        .expect("session cookie");
    assert_eq!(session.http_only(), Some(true));
    assert_eq!(session.same_site(), Some(actix_web::cookie::SameSite::Lax));
    assert_eq!(session.path(), Some("/"));
    let first = app.browser().get("/").await;
    let csrf = first
        .set_cookies()
        .into_iter()
        .find(|c| c.name() == CSRF_COOKIE)
        .expect("csrf cookie");
    assert_eq!(csrf.http_only(), Some(true));
    assert_eq!(csrf.same_site(), Some(actix_web::cookie::SameSite::Lax));
}

#[actix_web::test]
async fn error_pages_are_in_the_layout_and_leak_nothing() {
    let app = spawn_app().await;
    let browser = app.browser();

    let not_found = browser.get("/no/such/page").await;
    let bad_method = browser.post_form("/", &[]).await;

    assert_eq!(not_found.status, StatusCode::NOT_FOUND);
    assert!(not_found.body.contains("class=\"site-header\""));
    assert!(not_found.body.contains("We could not find that page."));
    assert!(bad_method.status.is_client_error());
    for page in [&not_found, &bad_method] {
        assert!(
            !page.body.contains("diesel")
                && !page.body.contains("actix")
                && !page.body.contains("panick")
        );
    }
}

#[actix_web::test]
async fn bad_input_of_every_kind_is_a_4xx_and_changes_nothing() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(TEAPOT, 1).await;
    let csrf = browser.csrf_token().await;
    let before = app.snapshot();
    let huge = "9".repeat(5000);
    let long_name = "x".repeat(20_000);

    let cases: Vec<(&str, String, StatusCode)> = vec![
        (
            "/basket/items",
            "product_id=1".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items",
            "quantity=1".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items",
            "product_id=abc&quantity=1".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items",
            "product_id=1&quantity=abc".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items",
            "product_id=1&quantity=-1".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items",
            "product_id=1&quantity=0".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items",
            "product_id=1&quantity=100".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items",
            "product_id=1&quantity=1.5".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items",
            format!("product_id=1&quantity={huge}"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items",
            format!("product_id={huge}&quantity=1"),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items",
            "product_id=-1&quantity=1".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items",
            "product_id=%E2%91%A0&quantity=%D9%A3".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items",
            "product_id=1&quantity=%FF".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items",
            "product_id=1&quantity=1&quantity=2".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items",
            "product_id=99999&quantity=1".into(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/basket/items",
            format!("product_id=1&quantity=1&pad={}", "a".repeat(40_000)),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        ("/basket/items/2", String::new(), StatusCode::BAD_REQUEST),
        (
            "/basket/items/2",
            "quantity=-3".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items/2",
            "quantity=100".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items/2",
            "quantity=ten".into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/basket/items/abc",
            "quantity=1".into(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/basket/items/99999",
            "quantity=1".into(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/checkout",
            format!("name={long_name}&email=a%40b.com&address=x&order_token=x"),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "/checkout",
            "name=&email=&address=&order_token=".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/checkout",
            format!("name={}&email=a%40b.com&address=x", "y".repeat(200)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/checkout",
            "name=%00&email=a%40b.com&address=x".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/checkout",
            "name=%C3%28&email=a%40b.com&address=x".into(),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (path, body, expected) in cases {
        let body = if body.is_empty() {
            format!("csrf_token={csrf}")
        } else {
            format!("csrf_token={csrf}&{body}")
        };
        let page = browser.post_raw(path, body.clone()).await;
        assert_eq!(
            page.status,
            expected,
            "{path} {}: {}",
            &body[..body.len().min(120)],
            &page.body[..page.body.len().min(300)]
        );
        assert!(page.body.contains("<html"), "a page for {path}");
    }
    assert_eq!(app.snapshot(), before);
}

#[actix_web::test]
async fn odd_paths_and_methods_are_4xx_never_5xx() {
    let app = spawn_app().await;
    let browser = app.browser();

    for path in [
        "/products/%FF",
        "/orders/%E2%82%AC",
        "/basket/items",
        "/static/../Cargo.toml",
        "/static/nope.css",
        "/products/1/extra",
        "/checkout/",
    ] {
        let page = browser.get(path).await;
        assert!(page.status.is_client_error(), "{path}: {}", page.status);
    }
}

/// With `TROLLEY_COOKIE_SECURE`, every cookie Trolley sets or removes carries the same
/// attributes: the removals (of the CSRF token, the flash message, the session) too.
#[actix_web::test]
async fn every_cookie_set_or_removed_is_secure_http_only_lax_and_path_wide_when_configured() {
    let app = crate::common::spawn_app_with(|settings| settings.cookie_secure = true).await;
    let browser = app.browser();

    let mut pages = vec![browser.get("/").await];
    pages.push(browser.add_to_basket(MUG, 1).await);
    pages.push(browser.get("/basket").await);
    let (form, token) = browser.open_checkout().await;
    pages.push(form);
    pages.push(browser.place_order(&token).await);

    let cookies: Vec<_> = pages
        .iter()
        .flat_map(crate::common::Page::set_cookies)
        .collect();
    let removals = cookies
        .iter()
        .filter(|c| {
            c.value().is_empty()
                || c.max_age()
                    .is_some_and(actix_web::cookie::time::Duration::is_zero)
        })
        .count();
    assert!(
        removals >= 3,
        "the flash, CSRF and session removals: {cookies:?}"
    );
    for cookie in &cookies {
        assert_eq!(cookie.secure(), Some(true), "{cookie}");
        assert_eq!(cookie.http_only(), Some(true), "{cookie}");
        assert_eq!(
            cookie.same_site(),
            Some(actix_web::cookie::SameSite::Lax),
            "{cookie}"
        );
        assert_eq!(cookie.path(), Some("/"), "{cookie}");
    }
}

/// A request the HTTP parser refuses before any of Trolley's code runs (a raw 0xFF in the
/// path, a request head over 128 KiB, over 96 headers) is answered 400 or 431 with an empty
/// body, never a 5xx. Those answers are built inside actix-http's dispatcher, which has no
/// hook for headers; with no body, there is nothing for the security headers to protect.
#[actix_web::test]
async fn requests_the_http_parser_refuses_are_400_or_431_never_5xx() {
    use std::io::{Read, Write};
    let app = spawn_app().await;
    let port = app.port;
    let send = move |head: Vec<u8>| {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .expect("timeout");
        // The server may answer and close before it has read everything: that is fine.
        let _ = stream.write_all(&head);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    };

    let mut many_headers = b"GET / HTTP/1.1\r\nHost: x\r\n".to_vec();
    for i in 0..200 {
        many_headers.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    many_headers.extend_from_slice(b"\r\n");
    let long_url = format!(
        "GET /?q={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(200_000)
    );
    let raw = [
        b"GET /\xff HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        long_url.into_bytes(),
        many_headers,
    ];
    for head in raw {
        let answer = actix_web::rt::task::spawn_blocking(move || send(head))
            .await
            .expect("send");
        let status_line = answer.lines().next().unwrap_or_default().to_owned();
        assert!(
            status_line.starts_with("HTTP/1.1 400") || status_line.starts_with("HTTP/1.1 431"),
            "{status_line:?}"
        );
    }
}

/// A malformed DATABASE_URL stops Trolley with one line naming the variable, and no part
/// of the password reaches the log (libpq's own messages quote the offending part).
#[test]
fn a_malformed_database_url_stops_trolley_without_printing_its_password() {
    for url in [
        "postgres://shop:S3cret Pw4@127.0.0.1:1/trolley",
        "postgres://shop:S3c%zzPw6@127.0.0.1:1/trolley",
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_trolley"))
            .arg("migrate")
            .env("DATABASE_URL", url)
            .env("RUST_LOG", "trace")
            .output()
            .expect("run trolley");
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!output.status.success(), "{printed}");
        assert!(printed.contains("DATABASE_URL"), "{printed}");
        assert!(!printed.contains("S3c"), "{printed}");
        assert!(!printed.contains("Pw"), "{printed}");
    }
}
