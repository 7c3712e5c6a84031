//! A cookie-keeping HTTP client that does not follow redirects, and the pages it reads.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use actix_web::cookie::Cookie;
use actix_web::http::{header, StatusCode};
use actix_web::web;

use super::TestApp;

/// An HTTP answer, read whole.
pub struct Page {
    pub status: StatusCode,
    pub headers: header::HeaderMap,
    pub body: String,
    /// The body as it came (a picture's bytes).
    pub raw: web::Bytes,
}

impl Page {
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|value| value.to_str().ok())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The value of the first hidden input with this name.
    pub fn hidden(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.body.find(&marker)? + marker.len();
        let end = self.body[start..].find('"')? + start;
        Some(self.body[start..end].to_owned())
    }

    pub fn set_cookies(&self) -> Vec<Cookie<'static>> {
        self.headers
            .get_all(header::SET_COOKIE)
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| Cookie::parse(value.to_owned()).ok())
            .collect()
    }
}

#[track_caller]
pub fn assert_redirect_to(page: &Page, location: &str) {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "body: {}", page.body);
    assert_eq!(page.location(), Some(location));
}

/// A cookie-keeping HTTP client that does not follow redirects, like a browser tab whose
/// every step the test controls.
#[derive(Clone)]
pub struct Browser {
    pub base: Rc<RefCell<String>>,
    client: awc::Client,
    pub jar: Rc<RefCell<BTreeMap<String, String>>>,
    csrf: Rc<RefCell<Option<String>>>,
    /// The `basket_version` of the last checkout form seen, which `submit` sends with a
    /// checkout as the form would.
    basket_version: Rc<RefCell<Option<String>>>,
    /// Whether requests say they are a real browser's navigations (`Sec-Fetch-Mode`).
    navigating: Rc<RefCell<bool>>,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self {
            base: Rc::new(RefCell::new(base.to_owned())),
            client: awc::Client::builder()
                .disable_redirects()
                .timeout(Duration::from_secs(60))
                .finish(),
            jar: Rc::default(),
            csrf: Rc::default(),
            basket_version: Rc::default(),
            navigating: Rc::default(),
        }
    }

    /// From now on, every request says it is a navigation (`Sec-Fetch-Mode: navigate`),
    /// as a real browser's links and form submissions do.
    pub fn navigating(&self) {
        *self.navigating.borrow_mut() = true;
    }

    /// The request with what this browser says of it: its cookies, and whether it is a
    /// navigation (a client that is no browser says nothing).
    fn dress(&self, request: awc::ClientRequest) -> awc::ClientRequest {
        let request = request.insert_header((header::COOKIE, self.cookie_header()));
        if *self.navigating.borrow() {
            request.insert_header(("sec-fetch-mode", "navigate"))
        } else {
            request
        }
    }

    /// Points this browser (and its cookies) at another server, as a browser would after
    /// a restart or behind a load balancer.
    pub fn switch_to(&self, app: &TestApp) {
        self.point_at(&app.address);
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar.borrow().get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.jar
            .borrow_mut()
            .insert(name.to_owned(), value.to_owned());
    }

    pub fn remove_cookie(&self, name: &str) {
        self.jar.borrow_mut().remove(name);
    }

    fn cookie_header(&self) -> String {
        self.jar
            .borrow()
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn read(
        &self,
        mut response: awc::ClientResponse<
            impl futures::Stream<Item = Result<web::Bytes, awc::error::PayloadError>> + Unpin,
        >,
    ) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .body()
            .limit(16 * 1024 * 1024)
            .await
            .expect("read the body");
        let page = Page {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            raw: body,
        };
        for cookie in page.set_cookies() {
            let expired = cookie
                .max_age()
                .is_some_and(|age| age <= actix_web::cookie::time::Duration::ZERO);
            if expired || cookie.value().is_empty() {
                self.jar.borrow_mut().remove(cookie.name());
            } else {
                self.jar
                    .borrow_mut()
                    .insert(cookie.name().to_owned(), cookie.value().to_owned());
            }
        }
        if let Some(token) = page.hidden("csrf_token") {
            *self.csrf.borrow_mut() = Some(token);
        }
        if let Some(version) = page.hidden("basket_version") {
            *self.basket_version.borrow_mut() = Some(version);
        }
        page
    }

    pub async fn get(&self, path: &str) -> Page {
        self.try_get(path)
            .await
            .unwrap_or_else(|error| panic!("GET {path}: {error}"))
    }

    /// A GET whose connection failure is an `Err`, not a panic.
    pub async fn try_get(&self, path: &str) -> Result<Page, String> {
        let url = format!("{}{path}", self.base.borrow());
        let response = self
            .dress(self.client.get(&url))
            .send()
            .await
            .map_err(|error| error.to_string())?;
        Ok(self.read(response).await)
    }

    /// Posts a raw urlencoded body.
    pub async fn post_raw(&self, path: &str, body: impl Into<web::Bytes>) -> Page {
        self.try_post_raw(path, body)
            .await
            .unwrap_or_else(|error| panic!("POST {path}: {error}"))
    }

    /// Posts a raw urlencoded body; a connection that fails is an `Err`, not a panic.
    pub async fn try_post_raw(
        &self,
        path: &str,
        body: impl Into<web::Bytes>,
    ) -> Result<Page, String> {
        let url = format!("{}{path}", self.base.borrow());
        let response = self
            .dress(self.client.post(&url))
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .send_body(body.into())
            .await
            .map_err(|error| error.to_string())?;
        Ok(self.read(response).await)
    }

    /// Posts a body of any type (an upload).
    pub async fn post_typed(&self, path: &str, content_type: &str, body: Vec<u8>) -> Page {
        let url = format!("{}{path}", self.base.borrow());
        let response = self
            .client
            .post(&url)
            .insert_header((header::COOKIE, self.cookie_header()))
            .insert_header((header::CONTENT_TYPE, content_type))
            .send_body(body)
            .await
            .unwrap_or_else(|error| panic!("POST {path}: {error}"));
        self.read(response).await
    }

    /// A GET with extra request headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let url = format!("{}{path}", self.base.borrow());
        let mut request = self
            .client
            .get(&url)
            .insert_header((header::COOKIE, self.cookie_header()));
        for (name, value) in headers {
            request = request.insert_header((*name, *value));
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|error| panic!("GET {path}: {error}"));
        self.read(response).await
    }

    /// Points this browser at another address (an instance, a proxy).
    pub fn point_at(&self, address: &str) {
        *self.base.borrow_mut() = address.to_owned();
    }

    /// Posts these fields as they are (no CSRF token added).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = serde_urlencoded::to_string(fields).expect("encode the form");
        self.post_raw(path, body).await
    }

    /// The CSRF token of the last page that had one, fetching the catalogue if none yet.
    pub async fn csrf_token(&self) -> String {
        if let Some(token) = self.csrf.borrow().clone() {
            return token;
        }
        let page = self.get("/").await;
        page.hidden("csrf_token").expect("the catalogue has a form")
    }

    /// Posts these fields with this browser's CSRF token, as a form on a page would; a
    /// checkout also carries the `basket_version` of the last checkout form shown, unless
    /// `fields` name one.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf_token().await;
        let version = self.basket_version.borrow().clone();
        let mut all = vec![("csrf_token", token.as_str())];
        if let Some(version) = version.as_deref() {
            if path == "/checkout" && !fields.iter().any(|(name, _)| *name == "basket_version") {
                all.push(("basket_version", version));
            }
        }
        all.extend_from_slice(fields);
        self.post_form(path, &all).await
    }

    pub async fn add_to_basket(&self, product_id: i64, quantity: i32) -> Page {
        self.submit(
            "/basket/items",
            &[
                ("product_id", &product_id.to_string()),
                ("quantity", &quantity.to_string()),
            ],
        )
        .await
    }

    /// Opens the checkout form and returns it with its order token.
    pub async fn open_checkout(&self) -> (Page, String) {
        let page = self.get("/checkout").await;
        assert_eq!(page.status, StatusCode::OK, "checkout form: {}", page.body);
        let token = page.hidden("order_token").expect("an order token");
        (page, token)
    }

    /// Submits the checkout form with valid details.
    pub async fn place_order(&self, order_token: &str) -> Page {
        self.submit(
            "/checkout",
            &[
                ("name", "Ada Lovelace"),
                ("email", "ada@example.com"),
                ("address", "12 St James's Square\nLondon\nSW1Y 4LB"),
                ("order_token", order_token),
            ],
        )
        .await
    }

    pub async fn log_in(&self, username: &str, password: &str) -> Page {
        let form = self.get("/admin/login").await;
        let token = form
            .hidden("csrf_token")
            .expect("the login form has a token");
        let answer = self
            .post_form(
                "/admin/login",
                &[
                    ("csrf_token", &token),
                    ("username", username),
                    ("password", password),
                ],
            )
            .await;
        // A browser follows the redirect, and the page it lands on carries the CSRF token
        // of the renewed session (the one from before the login no longer passes).
        if let Some(location) = answer.location().map(str::to_owned) {
            self.get(&location).await;
        }
        answer
    }

    /// Signs up for a shopper's account from this browser's session, following the
    /// redirect as a browser would (the page there carries the renewed session's token).
    pub async fn sign_up(&self, email: &str, password: &str) -> Page {
        self.get("/account/signup").await;
        let answer = self
            .submit(
                "/account/signup",
                &[("email", email), ("name", ""), ("password", password)],
            )
            .await;
        self.follow(&answer).await;
        answer
    }

    /// Signs in to a shopper's account, following the redirect.
    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.get("/account/login").await;
        let answer = self
            .submit(
                "/account/login",
                &[("email", email), ("password", password)],
            )
            .await;
        self.follow(&answer).await;
        answer
    }

    /// Follows a redirect, if the page is one.
    pub async fn follow(&self, page: &Page) -> Option<Page> {
        let location = page.location()?.to_owned();
        Some(self.get(&location).await)
    }

    /// Another client holding a copy of this browser's cookies as they are now: a tab
    /// whose request left before the cookies changed.
    pub fn snapshot(&self) -> Browser {
        let copy = Browser::new(&self.base.borrow());
        *copy.jar.borrow_mut() = self.jar.borrow().clone();
        *copy.csrf.borrow_mut() = self.csrf.borrow().clone();
        copy
    }
}
