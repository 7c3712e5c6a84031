//! `spawn_app`, a cookie-keeping `Browser` that does not follow redirects, and a fresh
//! database per test.

#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::net::TcpListener;
use std::rc::Rc;
use std::time::Duration;

use actix_web::cookie::Cookie;
use actix_web::dev::ServerHandle;
use actix_web::http::{header, StatusCode};
use actix_web::web;
use diesel::{Connection, RunQueryDsl};
use trolley::config::{DatabaseUrl, Settings};
use trolley::db::Db;
use trolley::startup::{self, Application};

/// A database of this test's own, on the backend `TROLLEY_TEST_DATABASE` names.
pub struct TestDatabase {
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    pub fn new() -> Self {
        match std::env::var("TROLLEY_TEST_DATABASE") {
            Ok(url) if url.starts_with("postgres") => {
                let name = format!("trolley_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin =
                    diesel::PgConnection::establish(&url).expect("connect to the test PostgreSQL");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create the test database");
                let base = url.rsplit_once('/').map_or(url.as_str(), |(base, _)| base);
                Self {
                    url: DatabaseUrl::Postgres(format!("{base}/{name}")),
                    _dir: None,
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let path = dir.path().join("trolley.db");
                Self {
                    url: DatabaseUrl::Sqlite(path.to_string_lossy().into_owned()),
                    _dir: Some(dir),
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.url, DatabaseUrl::Postgres(_))
    }
}

pub fn test_settings(database: &TestDatabase) -> Settings {
    let mut settings = Settings::from_lookup(|_| None).expect("default settings");
    settings.database_url = database.url.clone();
    settings.addr = "127.0.0.1:0".into();
    settings.db_pool_size = 16;
    settings.static_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/static").into();
    settings
}

/// A running Trolley on a free port.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub db: Db,
    pub database: Rc<TestDatabase>,
    pub settings: Settings,
    handle: ServerHandle,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Spawns the app with adjusted settings (a short session TTL, no demo data…).
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let database = Rc::new(TestDatabase::new());
    let mut settings = test_settings(&database);
    adjust(&mut settings);
    spawn_app_on(database, settings).await
}

/// Spawns another server on an existing database (a restart, or a second instance).
pub async fn spawn_app_on(database: Rc<TestDatabase>, settings: Settings) -> TestApp {
    let prepared = settings.clone();
    let state = web::block(move || startup::prepare(prepared))
        .await
        .expect("blocking task")
        .expect("the app prepares");
    let db = state.db.clone();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let application = Application::with_listener(state, listener).expect("the app builds");
    let port = application.port();
    let handle = application.server_handle();
    actix_web::rt::spawn(application.into_server());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        db,
        database,
        settings,
        handle,
    }
}

impl TestApp {
    pub fn browser(&self) -> Browser {
        Browser::new(&self.address)
    }

    /// Stops the server, letting in-flight requests finish.
    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }

    /// How many statements the app has sent to the database so far.
    pub fn statements(&self) -> u64 {
        self.db.statements().get()
    }

    pub fn count(&self, table: &str) -> i64 {
        self.scalar(&format!("SELECT COUNT(*) AS n FROM {table}"))
    }

    /// A query answering one whole number, named `n`.
    pub fn scalar(&self, sql: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Scalar {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.db.conn().expect("a connection");
        diesel::sql_query(sql)
            .get_result::<Scalar>(&mut *conn)
            .expect(sql)
            .n
    }

    /// How many of this product all baskets hold.
    pub fn in_baskets(&self, product_id: i64) -> i64 {
        self.scalar(&format!(
            "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) AS n FROM basket_items WHERE product_id = {product_id}"
        ))
    }

    pub fn execute(&self, sql: &str) -> usize {
        let mut conn = self.db.conn().expect("a connection");
        diesel::sql_query(sql).execute(&mut *conn).expect(sql)
    }

    pub fn stock_of(&self, product_id: i64) -> i32 {
        trolley::db::models::product::find(&mut self.db.conn().expect("conn"), product_id)
            .expect("query")
            .expect("product exists")
            .stock
    }
}

/// An HTTP answer, read whole.
pub struct Page {
    pub status: StatusCode,
    pub headers: header::HeaderMap,
    pub body: String,
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
            .client
            .get(&url)
            .insert_header((header::COOKIE, self.cookie_header()))
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
            .client
            .post(&url)
            .insert_header((header::COOKIE, self.cookie_header()))
            .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded"))
            .send_body(body.into())
            .await
            .map_err(|error| error.to_string())?;
        Ok(self.read(response).await)
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

    /// Posts these fields with this browser's CSRF token, as a form on a page would.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf_token().await;
        let mut all = vec![("csrf_token", token.as_str())];
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
}

/// The demo catalogue's products the tests lean on (ids in catalogue order).
pub const MUG: i64 = 1; // Enamel Camping Mug, £9.50, 40 in stock
pub const TEAPOT: i64 = 2; // Stoneware Teapot, £32.00, 12 in stock
pub const WATERING_CAN: i64 = 6; // Copper Watering Can, £45.00, 5 in stock
pub const SOLD_OUT: i64 = 14; // Brass Bottle Opener, none in stock

impl Browser {
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
                ("address", "12 St James's Square\nLondon"),
                ("order_token", order_token),
            ],
        )
        .await
    }
}

impl TestApp {
    pub fn set_stock(&self, product_id: i64, stock: i32) {
        self.execute(&format!(
            "UPDATE products SET stock = {stock} WHERE id = {product_id}"
        ));
    }

    /// Everything a bad request must leave as it was.
    pub fn snapshot(&self) -> String {
        #[derive(diesel::QueryableByName, Debug)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            row: String,
        }
        let mut conn = self.db.conn().expect("conn");
        let mut out = String::new();
        for sql in [
            "SELECT CAST(id AS TEXT) || ':' || CAST(stock AS TEXT) AS row FROM products ORDER BY id",
            "SELECT basket_id || ':' || CAST(product_id AS TEXT) || ':' || CAST(quantity AS TEXT) AS row FROM basket_items ORDER BY basket_id, product_id",
            "SELECT id || ':' || CAST(expires_at AS TEXT) AS row FROM baskets ORDER BY id",
            "SELECT state || ':' || CAST(expires_at AS TEXT) AS row FROM sessions ORDER BY state",
            "SELECT order_token AS row FROM orders ORDER BY order_token",
        ] {
            let rows: Vec<Row> = diesel::sql_query(sql).load(&mut *conn).expect(sql);
            out.push_str(&format!("{rows:?}\n"));
        }
        out
    }
}

pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "correct horse battery";

impl TestApp {
    pub fn create_admin(&self, username: &str, password: &str) {
        trolley::auth::create_admin(&self.db, username, password, true).expect("create the admin");
    }

    /// Writes `count` placed orders straight into the database, oldest first.
    pub fn insert_orders(&self, count: usize, name: &str, email: &str, total_pence: i64) {
        let mut conn = self.db.conn().expect("conn");
        for i in 0..count {
            diesel::sql_query(
                "INSERT INTO orders (order_token, status, customer_name, customer_email, \
                 customer_address, total_pence, created_at) VALUES ($1, 'placed', $2, $3, 'Somewhere', $4, $5)"
                    .replace('$', if self.database.is_postgres() { "$" } else { "?" }),
            )
            .bind::<diesel::sql_types::Text, _>(uuid::Uuid::new_v4().to_string())
            .bind::<diesel::sql_types::Text, _>(format!("{name} {i}"))
            .bind::<diesel::sql_types::Text, _>(email)
            .bind::<diesel::sql_types::BigInt, _>(total_pence)
            .bind::<diesel::sql_types::Timestamp, _>(chrono::Utc::now().naive_utc())
            .execute(&mut *conn)
            .expect("insert an order");
        }
    }

    /// A shopper buys `quantity` of a product as `name`; returns the order token.
    pub async fn buy(&self, product_id: i64, quantity: i32, name: &str, email: &str) -> String {
        let shopper = self.browser();
        shopper.add_to_basket(product_id, quantity).await;
        let (_, token) = shopper.open_checkout().await;
        let page = shopper
            .submit(
                "/checkout",
                &[
                    ("name", name),
                    ("email", email),
                    ("address", "1 Test Street\nLeeds"),
                    ("order_token", &token),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        token
    }
}

impl Browser {
    pub async fn log_in(&self, username: &str, password: &str) -> Page {
        let form = self.get("/admin/login").await;
        let token = form
            .hidden("csrf_token")
            .expect("the login form has a token");
        self.post_form(
            "/admin/login",
            &[
                ("csrf_token", &token),
                ("username", username),
                ("password", password),
            ],
        )
        .await
    }
}
