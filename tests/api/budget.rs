//! The statement budget: how many SQL statements the hot requests send. A change that
//! adds one fails here; raise a number only with a reason in the commit.

use crate::helpers::{spawn_app, Page, TestApp, MUG, TEAPOT};

async fn statements_for<F, Fut>(app: &TestApp, request: F) -> (u64, Page)
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Page>,
{
    let before = app.statements();
    let page = request().await;
    (app.statements() - before, page)
}

#[actix_web::test]
async fn page_views_cost_the_session_read_plus_what_the_page_needs() {
    let app = spawn_app().await;
    let anonymous = app.browser();
    let shopper = app.browser();
    shopper.add_to_basket(TEAPOT, 1).await;

    let (anonymous_catalogue, _) = statements_for(&app, || anonymous.get("/")).await;
    let (catalogue, _) = statements_for(&app, || shopper.get("/")).await;
    let (product, _) = statements_for(&app, || shopper.get("/products/1")).await;
    let (basket, _) = statements_for(&app, || shopper.get("/basket")).await;

    assert_eq!(anonymous_catalogue, 1, "products");
    assert_eq!(catalogue, 3, "session, products, basket count");
    assert_eq!(product, 3, "session, product, basket count");
    assert_eq!(basket, 2, "session, basket lines");
}

#[actix_web::test]
async fn adding_to_a_basket_costs_four_statements() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.add_to_basket(TEAPOT, 1).await;

    let (add, page) = statements_for(&app, || shopper.add_to_basket(MUG, 1)).await;

    assert_eq!(page.status, 303);
    assert_eq!(
        add, 4,
        "session read, line upsert, basket expiry, session write"
    );
}

#[actix_web::test]
async fn checkout_costs_a_fixed_number_of_statements_plus_two_per_line() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.add_to_basket(TEAPOT, 1).await;
    shopper.add_to_basket(MUG, 2).await;
    let (_, token) = shopper.open_checkout().await;

    let (checkout, page) = statements_for(&app, || shopper.place_order(&token)).await;

    assert_eq!(page.status, 303);
    // session read, replay check, BEGIN, basket lines, 2 × (stock update), order insert,
    // order id, 2 × (line insert), basket delete, COMMIT, session delete
    assert_eq!(checkout, 9 + 2 * 2);
}
