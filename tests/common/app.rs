//! A running Trolley on a free port, with a database of its own.

use std::net::TcpListener;
use std::rc::Rc;

use actix_web::dev::ServerHandle;
use actix_web::http::StatusCode;
use actix_web::web;
use diesel::{Connection, RunQueryDsl};
use trolley::config::{DatabaseUrl, Settings};
use trolley::db::Db;
use trolley::startup::{self, Application};

use super::Browser;

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
    /// The metrics' own port, when `settings.operations.metrics_addr` asked for them.
    pub metrics_port: Option<u16>,
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
    let metrics_port = application.metrics_port();
    let handle = application.server_handle();
    actix_web::rt::spawn(application.into_server());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        metrics_port,
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

    pub fn set_stock(&self, product_id: i64, stock: i32) {
        self.execute(&format!(
            "UPDATE products SET stock = {stock} WHERE id = {product_id}"
        ));
    }

    /// Everything a bad request must leave as it was.
    /// The shop's data, to compare before and after something that must change nothing:
    /// stock, baskets, sessions, orders. A session's state is compared key by key, less
    /// the checkout details a refused checkout keeps by design (`checkout_draft`).
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
            let rows: Vec<String> = rows.into_iter().map(|row| without_draft(&row.row)).collect();
            out.push_str(&format!("{rows:?}\n"));
        }
        out
    }

    pub fn create_admin(&self, username: &str, password: &str) {
        trolley::auth::create_admin(&self.db, username, password, true).expect("create the admin");
    }

    /// Writes `count` placed orders straight into the database, oldest first.
    pub fn insert_orders(&self, count: usize, name: &str, email: &str, total_pence: i64) {
        let mut conn = self.db.conn().expect("conn");
        let sql = "INSERT INTO orders (order_token, status, customer_name, customer_email, \
             customer_address, total_pence, created_at) \
             VALUES ($1, 'placed', $2, $3, 'Somewhere', $4, $5)";
        for i in 0..count {
            diesel::sql_query(sql)
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
                    ("address", "1 Test Street\nLeeds LS1 1AA"),
                    ("order_token", &token),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        token
    }
}

impl TestApp {
    /// Adds `count` active products named `Extra item 001` and on, 100 in stock at £1.00.
    pub fn insert_products(&self, count: usize) {
        for i in 1..=count {
            self.execute(&format!(
                "INSERT INTO products (slug, name, description, price_pence, stock, image) \
                 VALUES ('extra-{i:03}', 'Extra item {i:03}', 'More of the same.', 100, 100, \
                 'img/products/enamel-mug.svg')"
            ));
        }
    }

    /// Takes a product off sale (or back on), as an admin's edit would.
    pub fn set_active(&self, product_id: i64, active: bool) {
        self.execute(&format!(
            "UPDATE products SET active = {active} WHERE id = {product_id}"
        ));
    }
}

/// An app whose catalogue copy is never reused (changes made in SQL show at once), with
/// an admin logged in in the browser returned.
pub async fn app_and_admin() -> (TestApp, Browser) {
    let app =
        spawn_app_with(|settings| settings.catalogue_max_age = std::time::Duration::ZERO).await;
    app.create_admin(super::ADMIN, super::ADMIN_PASSWORD);
    let admin = app.browser();
    admin.log_in(super::ADMIN, super::ADMIN_PASSWORD).await;
    (app, admin)
}

/// A sessions row (`state:expires_at`) with its state's keys in order and without the
/// kept checkout details; any other row as it is.
fn without_draft(row: &str) -> String {
    let Some((state, expires_at)) = row.rsplit_once(':') else {
        return row.to_owned();
    };
    match serde_json::from_str::<std::collections::BTreeMap<String, String>>(state) {
        Ok(mut state) => {
            state.remove("checkout_draft");
            format!("{state:?}:{expires_at}")
        }
        Err(_) => row.to_owned(),
    }
}
