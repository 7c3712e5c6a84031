//! The statement budget: how many SQL statements the hot requests send. A change that
//! adds one fails here; raise a number only with a reason in the commit.

use std::time::Duration;

use actix_web::http::StatusCode;

use crate::common::{spawn_app_with, Page, TestApp, MUG, TEAPOT};

async fn statements_for<F, Fut>(app: &TestApp, request: F) -> (u64, Page)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Page>,
{
    let before = app.statements();
    let page = request().await;
    (app.statements() - before, page)
}

/// An app whose catalogue copy stays fresh for the whole test, so that counts do not
/// depend on how fast the test runs.
async fn app() -> TestApp {
    spawn_app_with(|settings| settings.catalogue_max_age = Duration::from_secs(3600)).await
}

#[actix_web::test]
async fn a_page_view_reads_the_session_and_its_basket_in_one_statement() {
    let app = app().await;
    let anonymous = app.browser();
    let shopper = app.browser();

    let (first_view, _) = statements_for(&app, || anonymous.get("/")).await;
    shopper.add_to_basket(TEAPOT, 2).await;
    let (anonymous_catalogue, _) = statements_for(&app, || anonymous.get("/")).await;
    let (anonymous_product, _) = statements_for(&app, || anonymous.get("/products/2")).await;
    let (catalogue, front) = statements_for(&app, || shopper.get("/")).await;
    let (product, _) = statements_for(&app, || shopper.get("/products/1")).await;
    let (basket, lines) = statements_for(&app, || shopper.get("/basket")).await;
    let (missing, not_found) = statements_for(&app, || shopper.get("/products/not-a-number")).await;

    assert_eq!(
        first_view, 2,
        "the catalogue's page and its categories, read once"
    );
    assert_eq!(anonymous_catalogue, 0, "the catalogue is in memory");
    assert_eq!(anonymous_product, 0);
    assert_eq!(catalogue, 1, "the session with its basket's lines");
    assert_eq!(product, 1, "the session with its basket's lines");
    assert_eq!(basket, 1, "the session with its basket's lines");
    assert_eq!((not_found.status, missing), (StatusCode::NOT_FOUND, 1));
    for page in [&front, &lines, &not_found] {
        assert!(
            page.body.contains("(2 items in your basket)"),
            "{}",
            page.body
        );
    }
    assert!(lines.body.contains("Teapot"), "{}", lines.body);
}

/// A session row written before sessions named their basket in a column (or by an
/// instance that did not yet), whose state holds a basket all the same.
#[actix_web::test]
async fn a_session_row_that_does_not_name_its_basket_reads_the_basket_apart() {
    let app = app().await;
    let shopper = app.browser();
    shopper.add_to_basket(TEAPOT, 2).await;
    app.execute("UPDATE sessions SET basket_id = NULL");

    let (cost, page) = statements_for(&app, || shopper.get("/basket")).await;

    assert_eq!(cost, 2, "the session, then its basket's lines");
    assert!(
        page.body.contains("(2 items in your basket)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Teapot"), "{}", page.body);
}

#[actix_web::test]
async fn a_page_shows_the_basket_as_changed_by_the_request_before() {
    let app = app().await;
    let shopper = app.browser();
    shopper.add_to_basket(TEAPOT, 1).await;
    shopper.get("/basket").await;
    shopper.add_to_basket(MUG, 3).await;

    let page = shopper.get("/").await;

    assert!(
        page.body.contains("(4 items in your basket)"),
        "{}",
        page.body
    );
}

#[actix_web::test]
async fn a_stale_catalogue_is_read_again() {
    let app = spawn_app_with(|settings| settings.catalogue_max_age = Duration::ZERO).await;
    let shopper = app.browser();
    shopper.add_to_basket(TEAPOT, 1).await;

    let (catalogue, _) = statements_for(&app, || shopper.get("/")).await;

    assert_eq!(
        catalogue, 3,
        "the session with its basket's lines, the products, the categories"
    );
}

#[actix_web::test]
async fn adding_to_a_basket_costs_the_session_read_and_one_statement() {
    let app = app().await;
    let shopper = app.browser();
    shopper.csrf_token().await;

    let (first, _) = statements_for(&app, || shopper.add_to_basket(TEAPOT, 1)).await;
    let (add, page) = statements_for(&app, || shopper.add_to_basket(MUG, 1)).await;

    assert_eq!(page.status, 303);
    assert_eq!(first, 5, "BEGIN, basket, line, COMMIT, new session");
    assert_eq!(add, 2, "session read, line upsert");
}

#[actix_web::test]
async fn an_add_that_is_due_to_refresh_the_session_moves_both_expiries_on() {
    // With a 99-second lifetime every add is due: a hundredth of it is under a second.
    let app = spawn_app_with(|settings| settings.session_ttl = Duration::from_secs(99)).await;
    let shopper = app.browser();
    shopper.add_to_basket(TEAPOT, 1).await;

    let (add, _) = statements_for(&app, || shopper.add_to_basket(MUG, 1)).await;

    assert_eq!(
        add, 4,
        "session read, line upsert, basket expiry, session write"
    );
}

#[actix_web::test]
async fn checkout_costs_a_fixed_number_of_statements_whatever_the_lines() {
    let app = app().await;
    let shopper = app.browser();
    shopper.add_to_basket(TEAPOT, 1).await;
    shopper.add_to_basket(MUG, 2).await;
    let (form_cost, form) = statements_for(&app, || shopper.get("/checkout")).await;
    let token = form.hidden("order_token").expect("a token");

    let (checkout, page) = statements_for(&app, || shopper.place_order(&token)).await;

    // The order token was made with the basket: showing the form writes nothing.
    assert_eq!(form_cost, 1, "the session with its basket's lines");
    assert_eq!(page.status, 303);
    // Session read, BEGIN, the basket's lines (on PostgreSQL the basket row is locked
    // first, in a statement that also draws the order's id, so that an add in flight is
    // either in the order or keeps its basket), the writes, COMMIT. The writes are one
    // statement on PostgreSQL: the order, its lines, its email queued in the outbox, the
    // basket and the session deleted, and the stock taken (the product rows locked in id
    // order); on SQLite, whose statements write one table each, six. The session ends in
    // the order's transaction: one commit, and the store does not delete the row again.
    // Only a transaction that loses a race (serialization failure, deadlock) runs again,
    // at most twice: the statements from BEGIN to COMMIT each time. A form that passes
    // every check is not looked up before the transaction: the order token's uniqueness
    // keeps replays out.
    let expected = if app.database.is_postgres() { 6 } else { 10 };
    assert_eq!(checkout, expected);
}

/// PostgreSQL parses and plans a statement Diesel does not keep prepared on every call;
/// the raw SQL of the hot paths is kept like Diesel's own queries.
#[actix_web::test]
async fn the_hot_raw_statements_are_kept_prepared() {
    use diesel::RunQueryDsl;
    use trolley::db::models::basket::{self, LineChange};
    use trolley::db::models::order::{self, NewOrder, Placement};
    use trolley::domain::{BasketId, CustomerDetails, OrderToken};

    #[derive(diesel::QueryableByName)]
    struct Kept {
        #[diesel(sql_type = diesel::sql_types::Text)]
        statement: String,
    }
    let app = app().await;
    if !app.database.is_postgres() {
        return; // SQLite keeps its statements in the connection, out of sight.
    }
    let mut conn = app.db.conn().expect("a connection");
    let basket = BasketId::generate();
    basket::touch(&mut conn, &basket, i64::from(i32::MAX)).expect("a basket");
    for _ in 0..2 {
        let changed = basket::change_line(&mut conn, &basket, MUG, LineChange::Add(1));
        assert!(changed.expect("an add"));
    }

    let customer = CustomerDetails::parse(
        "Ada",
        "ada@example.com",
        "London SW1A 1AA",
        trolley::domain::Country::default_country(),
    )
    .expect("valid");
    let lines = basket::lines(&mut conn, &basket).expect("the basket's lines");
    let placed = order::place(
        &mut conn,
        &NewOrder {
            basket_id: &basket,
            version: &order::basket_version(&lines),
            token: OrderToken::generate(),
            customer: &customer,
            now: chrono::Utc::now().naive_utc(),
            ends_session: None,
            account_id: None,
            payment: trolley::domain::OrderPayment {
                state: trolley::domain::PaymentState::NotRequired,
                due_at: None,
            },
        },
    );
    assert!(matches!(placed, Ok(Placement::Placed)), "{placed:?}");

    let kept: Vec<Kept> = diesel::sql_query("SELECT statement FROM pg_prepared_statements")
        .load(&mut *conn)
        .expect("the connection's prepared statements");
    let is_kept = |part: &str| kept.iter().any(|kept| kept.statement.contains(part));
    assert!(is_kept("INSERT INTO basket_items"), "the add is not kept");
    assert!(is_kept("SELECT nextval"), "the checkout's lock is not kept");
    assert!(
        is_kept("WITH placed AS"),
        "the checkout's write is not kept"
    );
}

/// A signed-in shopper's pages and adds cost what a guest's do: the session names the
/// account's basket in the same column, so its load reads the lines in the same statement.
#[actix_web::test]
async fn signed_in_pages_and_adds_cost_what_a_guests_do() {
    let app = app().await;
    let guest = app.browser();
    guest.add_to_basket(TEAPOT, 1).await;
    let shopper = app.browser();
    shopper
        .sign_up("jo@example.com", "a long enough password")
        .await;
    shopper.add_to_basket(TEAPOT, 1).await;

    let (guest_page, _) = statements_for(&app, || guest.get("/")).await;
    let (guest_add, _) = statements_for(&app, || guest.add_to_basket(MUG, 1)).await;
    let (signed_in_page, page) = statements_for(&app, || shopper.get("/")).await;
    let (signed_in_add, added) = statements_for(&app, || shopper.add_to_basket(MUG, 1)).await;
    let (signed_in_basket, _) = statements_for(&app, || shopper.get("/basket")).await;

    assert!(
        page.body.contains("(1 item in your basket)"),
        "{}",
        page.body
    );
    assert_eq!(added.status, 303);
    assert_eq!((guest_page, guest_add), (1, 2));
    assert_eq!(
        signed_in_page, guest_page,
        "the session with its basket's lines"
    );
    assert_eq!(signed_in_add, guest_add, "session read, line upsert");
    assert_eq!(signed_in_basket, 1);
}

/// An admin page's header counts the failed emails: one statement, the same on every page
/// (a CSV download, which has no header, does without it).
#[actix_web::test]
async fn an_admin_page_counts_the_failed_emails_in_one_statement() {
    let app = app().await;
    let admin = crate::api::admin_orders::admin(&app).await;
    let order = crate::api::admin_orders::buy(&app, TEAPOT, 1, "Ada", "ada@example.com").await;
    admin.get("/admin/emails").await;

    let (emails, page) = statements_for(&app, || admin.get("/admin/emails")).await;
    let path = format!("/admin/orders/{}", order.id);
    let (detail, _) = statements_for(&app, || admin.get(&path)).await;
    let (csv, _) = statements_for(&app, || admin.get("/admin/orders.csv")).await;
    let (missing, _) = statements_for(&app, || admin.get("/admin/orders/999")).await;

    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        emails, 4,
        "the session, the failed emails' count, the page of the outbox, its count"
    );
    assert_eq!(
        detail, 7,
        "the session, the count, the order, its lines, its history, its emails, its payment's history"
    );
    assert_eq!(missing, 3, "the session, the count, the order not found");
    assert_eq!(csv, 3, "the session, the orders, their lines: no count");
}
