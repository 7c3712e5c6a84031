//! Checkout: exactly one order per order token, whatever the browser does.

use actix_web::http::StatusCode;
use trolley::session::SESSION_COOKIE;

use crate::common::{assert_redirect_to, spawn_app, Browser, MUG, TEAPOT, WATERING_CAN};

#[actix_web::test]
async fn a_purchase_makes_an_order_takes_stock_and_shows_the_receipt() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 2).await;
    browser.add_to_basket(TEAPOT, 1).await;

    let (form, token) = browser.open_checkout().await;
    assert!(form.body.contains("£51.00"), "the summary's total");
    let placed = browser.place_order(&token).await;

    assert_redirect_to(&placed, &format!("/orders/{token}"));
    let receipt = browser.get(&format!("/orders/{token}")).await;
    assert_eq!(receipt.status, StatusCode::OK);
    assert!(receipt.body.contains("Thank you, Ada Lovelace"));
    assert!(receipt.body.contains("T000001"));
    assert!(receipt.body.contains("£51.00"));
    assert!(receipt.body.contains("Placed"));
    assert_eq!(app.count("orders"), 1);
    assert_eq!(app.count("order_lines"), 2);
    assert_eq!(app.stock_of(MUG), 38);
    assert_eq!(app.stock_of(TEAPOT), 11);
}

#[actix_web::test]
async fn checkout_destroys_the_session_and_empties_the_basket() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    let (_, token) = browser.open_checkout().await;

    browser.place_order(&token).await;

    assert_eq!(
        browser.cookie(SESSION_COOKIE),
        None,
        "the cookie is removed"
    );
    assert_eq!(app.count("sessions"), 0);
    assert_eq!(app.count("baskets"), 0);
    assert_eq!(app.count("basket_items"), 0);
    assert!(browser
        .get("/basket")
        .await
        .body
        .contains("Your basket is empty"));
}

#[actix_web::test]
async fn prices_on_the_receipt_are_those_charged_not_todays() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    let (_, token) = browser.open_checkout().await;
    browser.place_order(&token).await;

    app.execute(&format!(
        "UPDATE products SET price_pence = 100000, name = 'Renamed' WHERE id = {MUG}"
    ));
    let receipt = browser.get(&format!("/orders/{token}")).await;

    assert!(receipt.body.contains("Enamel Camping Mug"));
    assert!(receipt.body.contains("£9.50"));
}

#[actix_web::test]
async fn back_button_resubmission_with_the_old_cookies_returns_the_same_order() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    let (_, token) = browser.open_checkout().await;
    let old_cookies = browser.jar.borrow().clone();
    browser.place_order(&token).await;

    // Back to the form, whose page still holds the old token and cookies: submit again.
    *browser.jar.borrow_mut() = old_cookies;
    let again = browser.place_order(&token).await;

    assert_redirect_to(&again, &format!("/orders/{token}"));
    assert_eq!(app.count("orders"), 1);
    assert_eq!(app.stock_of(MUG), 39);
}

#[actix_web::test]
async fn resubmission_with_no_cookies_at_all_returns_the_same_order() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    let (_, token) = browser.open_checkout().await;
    browser.place_order(&token).await;

    let stranger = app.browser();
    let again = stranger
        .post_form(
            "/checkout",
            &[
                ("name", "Ada"),
                ("email", "ada@example.com"),
                ("address", "x"),
                ("order_token", &token),
            ],
        )
        .await;

    assert_redirect_to(&again, &format!("/orders/{token}"));
    assert_eq!(app.count("orders"), 1);
}

/// A form that passes every check goes straight to the placing transaction, which keeps
/// the replay rule itself: here the order exists while the session still holds the token
/// and the basket, so the transaction is the only thing that can tell.
#[actix_web::test]
async fn a_token_already_ordered_while_its_session_still_holds_the_basket_answers_with_that_order()
{
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    let (_, token) = browser.open_checkout().await;
    app.execute(&format!(
        "INSERT INTO orders (order_token, status, customer_name, customer_email, \
         customer_address, total_pence, created_at) \
         VALUES ('{token}', 'placed', 'Ada', 'ada@example.com', 'London', 950, CURRENT_TIMESTAMP)"
    ));

    let again = browser.place_order(&token).await;

    assert_redirect_to(&again, &format!("/orders/{token}"));
    assert_eq!(app.count("orders"), 1);
    assert_eq!(app.stock_of(MUG), 40, "no stock taken");
    assert_eq!(app.in_baskets(MUG), 1, "the basket is kept");
}

#[actix_web::test]
async fn a_reload_of_the_checkout_form_keeps_its_token() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;

    let (_, first) = browser.open_checkout().await;
    let (_, second) = browser.open_checkout().await;

    assert_eq!(first, second);
}

#[actix_web::test]
async fn ten_concurrent_checkout_posts_make_one_order() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 2).await;
    let (form, token) = browser.open_checkout().await;
    let version = form.hidden("basket_version").expect("a basket version");
    let cookies = browser.jar.borrow().clone();

    // Ten tabs with the same cookies and the same form, submitted at once.
    let tabs: Vec<Browser> = (0..10)
        .map(|_| {
            let tab = app.browser();
            *tab.jar.borrow_mut() = cookies.clone();
            tab
        })
        .collect();
    let token_field = token.clone();
    let csrf = browser.csrf_token().await;
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("name", "Ada Lovelace"),
        ("email", "ada@example.com"),
        ("address", "London SW1A 1AA"),
        ("order_token", token_field.as_str()),
        ("basket_version", version.as_str()),
    ];
    let submits = tabs.iter().map(|tab| tab.post_form("/checkout", &fields));
    let pages = futures::future::join_all(submits).await;

    for page in &pages {
        assert_redirect_to(page, &format!("/orders/{token}"));
    }
    assert_eq!(app.count("orders"), 1);
    assert_eq!(app.count("order_lines"), 1);
    assert_eq!(app.stock_of(MUG), 38);
}

#[actix_web::test]
async fn two_shoppers_racing_for_the_last_item_make_one_order_and_one_409() {
    let app = spawn_app().await;
    app.set_stock(WATERING_CAN, 1);
    let (alice, bob) = (app.browser(), app.browser());
    alice.add_to_basket(WATERING_CAN, 1).await;
    bob.add_to_basket(WATERING_CAN, 1).await;
    let (_, alices_token) = alice.open_checkout().await;
    let (_, bobs_token) = bob.open_checkout().await;

    let (a, b) = futures::join!(
        alice.place_order(&alices_token),
        bob.place_order(&bobs_token)
    );

    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    let loser = if a.status == StatusCode::CONFLICT {
        &a
    } else {
        &b
    };
    assert!(
        loser.body.contains("Copper Watering Can"),
        "the 409 names the line"
    );
    assert_eq!(app.count("orders"), 1);
    assert_eq!(app.stock_of(WATERING_CAN), 0);
}

/// The session ends in the order's own transaction: only the ordering shopper's row goes.
#[actix_web::test]
async fn an_order_ends_its_own_session_and_no_other() {
    let app = spawn_app().await;
    let buyer = app.browser();
    let other = app.browser();
    buyer.add_to_basket(MUG, 1).await;
    other.add_to_basket(TEAPOT, 2).await;
    let (_, token) = buyer.open_checkout().await;

    let receipt = buyer.place_order(&token).await;

    assert_eq!(receipt.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("sessions"), 1);
    let basket = other.get("/basket").await;
    assert!(
        basket.body.contains("(2 items in your basket)"),
        "{}",
        basket.body
    );
}

#[actix_web::test]
async fn not_enough_stock_at_checkout_is_409_naming_the_lines_and_writes_nothing() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    browser.add_to_basket(WATERING_CAN, 3).await;
    let (_, token) = browser.open_checkout().await;
    app.set_stock(WATERING_CAN, 2);
    let before = app.snapshot();

    let page = browser.place_order(&token).await;

    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(
        page.body.contains("Copper Watering Can (3 wanted, 2 left)"),
        "{}",
        page.body
    );
    assert_eq!(
        app.snapshot(),
        before,
        "no stock taken, no order, the basket kept"
    );
}

#[actix_web::test]
async fn invalid_details_are_422_with_the_messages_and_the_values_typed() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    let (_, token) = browser.open_checkout().await;

    let page = browser
        .submit(
            "/checkout",
            &[
                ("name", "<b>Ada</b>"),
                ("email", "not-an-email"),
                ("address", ""),
                ("order_token", &token),
            ],
        )
        .await;

    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Please enter an email address such as"));
    assert!(page.body.contains("Please enter the delivery address."));
    assert!(page.body.contains("value=\"not-an-email\""));
    assert!(
        page.body.contains("&lt;b&gt;Ada&lt;&#x2F;b&gt;"),
        "typed values come back escaped"
    );
    assert_eq!(page.hidden("order_token").as_deref(), Some(token.as_str()));
    assert_eq!(app.count("orders"), 0);
}

#[actix_web::test]
async fn a_token_not_from_this_session_goes_back_to_the_basket() {
    let app = spawn_app().await;
    let (alice, bob) = (app.browser(), app.browser());
    alice.add_to_basket(MUG, 1).await;
    bob.add_to_basket(MUG, 1).await;
    let (_, alices_token) = alice.open_checkout().await;
    bob.open_checkout().await;

    let page = bob.place_order(&alices_token).await;
    let made_up = bob.place_order("not-a-token").await;

    assert_redirect_to(&page, "/basket");
    assert_redirect_to(&made_up, "/basket");
    assert_eq!(app.count("orders"), 0);
    assert!(bob.get("/basket").await.body.contains("out of date"));
}

#[actix_web::test]
async fn checkout_with_an_empty_basket_goes_back_to_the_basket() {
    let app = spawn_app().await;
    let browser = app.browser();

    assert_redirect_to(&browser.get("/checkout").await, "/basket");

    browser.add_to_basket(MUG, 1).await;
    let (_, token) = browser.open_checkout().await;
    browser
        .submit(&format!("/basket/items/{MUG}"), &[("quantity", "0")])
        .await;
    let page = browser.place_order(&token).await;

    assert_redirect_to(&page, "/basket");
    assert_eq!(app.count("orders"), 0);
}

#[actix_web::test]
async fn a_tab_left_open_after_checkout_does_not_bring_the_session_back() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    let (_, token) = browser.open_checkout().await;
    let other_tab = app.browser();
    *other_tab.jar.borrow_mut() = browser.jar.borrow().clone();
    browser.place_order(&token).await;

    // The other tab still sends the destroyed session's cookie.
    let page = other_tab.add_to_basket(TEAPOT, 1).await;

    assert_redirect_to(&page, "/basket");
    let basket = other_tab.get("/basket").await;
    assert!(!basket.body.contains("Enamel Camping Mug"));
    assert_eq!(app.count("orders"), 1);
}

#[actix_web::test]
async fn an_unknown_receipt_is_404() {
    let app = spawn_app().await;
    let browser = app.browser();

    for path in [
        "/orders/00000000-0000-4000-8000-000000000000",
        "/orders/nope",
    ] {
        assert_eq!(
            browser.get(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

/// The order email goes through the mail library: an address it would refuse is refused
/// at checkout, before an order exists whose email could never leave.
#[actix_web::test]
async fn an_email_address_the_mail_library_refuses_is_422_and_orders_nothing() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    let (_, token) = shopper.open_checkout().await;

    for email in ["a,b@x.y", "<a@x.y>", "a(b)@x.y"] {
        let page = shopper
            .submit(
                "/checkout",
                &[
                    ("name", "Ada Lovelace"),
                    ("email", email),
                    ("address", "12 St James's Square\nLondon\nSW1Y 4LB"),
                    ("order_token", &token),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        assert!(page.body.contains("Please enter an email address such as"));
    }
    assert_eq!(app.count("orders"), 0);
    assert_eq!(app.count("outbox"), 0);
}

/// A checkout form left open past the session's life: the browser has dropped both the
/// session and the CSRF cookie (they expire together) and the server has forgotten the
/// session. The answer is the contract's 403, but as the basket's page telling the shopper
/// what happened and offering the way on, not the bare refusal; nothing is ordered.
#[actix_web::test]
async fn a_checkout_form_submitted_after_the_session_expired_says_so_and_orders_nothing() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    let (_, token) = shopper.open_checkout().await;
    app.execute("UPDATE sessions SET expires_at = 0");
    shopper.remove_cookie(SESSION_COOKIE);
    shopper.remove_cookie(trolley::web::csrf::CSRF_COOKIE);

    let page = shopper.place_order(&token).await;

    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.body
            .contains("Your session expired while the checkout page was open"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Your basket · Trolley"),
        "the basket's page"
    );
    assert!(!page.body.contains("did not come from this site"));
    assert_eq!(app.count("orders"), 0);
}

/// The same form with the CSRF cookie still there but a token that is not its own is a
/// forgery: 403, as before.
#[actix_web::test]
async fn a_checkout_with_a_csrf_cookie_but_another_token_is_still_403() {
    let app = spawn_app().await;
    let shopper = app.browser();
    shopper.get("/").await;
    let page = shopper
        .post_form(
            "/checkout",
            &[
                ("csrf_token", "forged"),
                ("name", "Ada"),
                ("email", "ada@example.com"),
                ("address", "London SW1A 1AA"),
                ("order_token", "00000000-0000-4000-8000-000000000000"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}
