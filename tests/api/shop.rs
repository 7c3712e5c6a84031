//! The catalogue and the basket.

use actix_web::http::StatusCode;
use trolley::session::SESSION_COOKIE;

use crate::common::{
    assert_redirect_to, spawn_app, spawn_app_on, spawn_app_with, MUG, SOLD_OUT, TEAPOT,
    WATERING_CAN,
};

#[actix_web::test]
async fn the_catalogue_shows_every_product_with_price_stock_and_an_add_form() {
    let app = spawn_app().await;

    let page = app.browser().get("/").await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Enamel Camping Mug"));
    assert!(page.body.contains("£9.50"));
    assert!(page.body.contains("Only 5 left"));
    assert!(page.body.contains("Out of stock"));
    assert_eq!(page.body.matches("action=\"/basket/items\"").count(), 14);
    assert_eq!(page.body.matches("name=\"csrf_token\"").count(), 14);
}

#[actix_web::test]
async fn a_product_page_shows_the_product_and_unknown_ones_are_404() {
    let app = spawn_app().await;
    let browser = app.browser();

    let page = browser.get(&format!("/products/{TEAPOT}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Stoneware Teapot"));
    assert!(page.body.contains("£32.00"));

    for path in [
        "/products/999",
        "/products/abc",
        "/products/-1",
        "/products/99999999999999999999999",
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("<html"), "an error page in the layout");
    }
}

#[actix_web::test]
async fn adding_merges_lines_and_the_basket_shows_totals() {
    let app = spawn_app().await;
    let browser = app.browser();

    assert_redirect_to(&browser.add_to_basket(MUG, 2).await, "/basket");
    assert_redirect_to(&browser.add_to_basket(MUG, 1).await, "/basket");
    assert_redirect_to(&browser.add_to_basket(TEAPOT, 1).await, "/basket");
    let page = browser.get("/basket").await;

    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(app.count("basket_items"), 2);
    assert!(page.body.contains("value=\"3\""), "mug line merged to 3");
    assert!(page.body.contains("£28.50"), "3 × £9.50");
    assert!(page.body.contains("£60.50"), "total");
    assert!(
        page.body
            .contains("Added the Stoneware Teapot to your basket."),
        "the flash message names the product"
    );
}

#[actix_web::test]
async fn setting_a_line_changes_it_and_zero_removes_it() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    browser.add_to_basket(TEAPOT, 1).await;

    assert_redirect_to(
        &browser
            .submit(&format!("/basket/items/{MUG}"), &[("quantity", "4")])
            .await,
        "/basket",
    );
    assert_redirect_to(
        &browser
            .submit(&format!("/basket/items/{TEAPOT}"), &[("quantity", "0")])
            .await,
        "/basket",
    );
    let page = browser.get("/basket").await;

    assert!(page.body.contains("£38.00"), "4 × £9.50");
    assert!(
        !page.body.contains(&format!("id=\"qty-{TEAPOT}\"")),
        "no teapot line"
    );
    assert!(page
        .body
        .contains("Removed the Stoneware Teapot from your basket."));
    assert_eq!(app.count("basket_items"), 1);
}

#[actix_web::test]
async fn adding_more_than_in_stock_is_409_and_changes_nothing() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(WATERING_CAN, 4).await;
    let before = app.snapshot();

    let more = browser.add_to_basket(WATERING_CAN, 2).await;
    let sold_out = browser.add_to_basket(SOLD_OUT, 1).await;
    let set_too_many = browser
        .submit(
            &format!("/basket/items/{WATERING_CAN}"),
            &[("quantity", "6")],
        )
        .await;

    assert_eq!(more.status, StatusCode::CONFLICT);
    assert!(
        more.body.contains("only 5 of Copper Watering Can"),
        "{}",
        more.body
    );
    assert_eq!(sold_out.status, StatusCode::CONFLICT);
    assert_eq!(set_too_many.status, StatusCode::CONFLICT);
    assert_eq!(app.snapshot(), before);
}

#[actix_web::test]
async fn a_line_never_holds_more_than_99() {
    let app = spawn_app().await;
    let browser = app.browser();
    app.set_stock(MUG, 500);
    browser.add_to_basket(MUG, 99).await;

    let page = browser.add_to_basket(MUG, 1).await;

    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("at most 99"));
}

#[actix_web::test]
async fn unknown_products_are_404_and_leave_nothing_behind() {
    let app = spawn_app().await;
    let browser = app.browser();

    let add = browser.add_to_basket(999, 1).await;
    let set = browser
        .submit("/basket/items/999", &[("quantity", "1")])
        .await;
    let remove = browser
        .submit("/basket/items/999", &[("quantity", "0")])
        .await;

    assert_eq!(add.status, StatusCode::NOT_FOUND);
    assert_eq!(set.status, StatusCode::NOT_FOUND);
    assert_eq!(remove.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("baskets"), 0);
    assert_eq!(app.count("sessions"), 0);
}

#[actix_web::test]
async fn two_browsers_keep_separate_baskets() {
    let app = spawn_app().await;
    let (alice, bob) = (app.browser(), app.browser());

    alice.add_to_basket(MUG, 1).await;
    bob.add_to_basket(TEAPOT, 2).await;

    let alices = alice.get("/basket").await.body;
    let bobs = bob.get("/basket").await.body;
    assert!(alices.contains("Enamel Camping Mug") && !alices.contains("Stoneware Teapot"));
    assert!(bobs.contains("Stoneware Teapot") && !bobs.contains("Enamel Camping Mug"));
    assert_ne!(alice.cookie(SESSION_COOKIE), bob.cookie(SESSION_COOKIE));
}

#[actix_web::test]
async fn a_visitor_who_only_reads_pages_gets_no_session_row() {
    let app = spawn_app().await;
    let browser = app.browser();

    for path in [
        "/",
        "/products/1",
        "/basket",
        "/checkout",
        "/orders/00000000-0000-4000-8000-000000000000",
        "/healthz",
        "/nowhere",
        "/static/css/trolley.css",
    ] {
        browser.get(path).await;
    }

    assert_eq!(app.count("sessions"), 0);
    assert_eq!(browser.cookie(SESSION_COOKIE), None);
}

#[actix_web::test]
async fn twenty_concurrent_adds_in_one_session_give_quantity_twenty() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(TEAPOT, 1).await; // the session and its basket exist

    let adds = (0..20).map(|_| browser.add_to_basket(MUG, 1));
    let pages = futures::future::join_all(adds).await;

    for page in &pages {
        assert_redirect_to(page, "/basket");
    }
    assert_eq!(app.in_baskets(MUG), 20);
    assert_eq!(app.count("baskets"), 1);
}

#[actix_web::test]
async fn tampered_expired_and_unknown_cookies_give_an_empty_basket() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    let good = browser.cookie(SESSION_COOKIE).expect("a session cookie");

    let mut tampered = good.clone();
    tampered.insert(0, 'x');
    let mut forged = good.clone();
    forged.truncate(good.len() - 4);
    forged.push_str("AAAA");
    for cookie in [tampered.as_str(), forged.as_str(), "garbage", ""] {
        let other = app.browser();
        other.set_cookie(SESSION_COOKIE, cookie);
        let page = other.get("/basket").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Your basket is empty"), "{cookie:?}");
    }

    app.execute("UPDATE sessions SET expires_at = 0");
    let page = browser.get("/basket").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Your basket is empty"));
}

#[actix_web::test]
async fn a_session_past_its_ttl_has_an_empty_basket_and_the_shop_still_works() {
    // Long enough that the add and the page after it fit in one TTL on a loaded machine.
    let app =
        spawn_app_with(|settings| settings.session_ttl = std::time::Duration::from_secs(3)).await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;

    actix_web::rt::time::sleep(std::time::Duration::from_millis(4100)).await;

    let page = browser.get("/basket").await;
    assert!(page.body.contains("Your basket is empty"));
    assert_redirect_to(&browser.add_to_basket(TEAPOT, 1).await, "/basket");
    assert!(browser
        .get("/basket")
        .await
        .body
        .contains("Stoneware Teapot"));
}

#[actix_web::test]
async fn a_basket_survives_a_server_restart() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(TEAPOT, 2).await;
    app.stop().await;

    let restarted = spawn_app_on(std::rc::Rc::clone(&app.database), app.settings.clone()).await;
    browser.switch_to(&restarted);
    let page = browser.get("/basket").await;

    assert!(page.body.contains("Stoneware Teapot"));
    assert!(page.body.contains("£64.00"));
}

#[actix_web::test]
async fn the_header_counts_the_items_in_the_basket() {
    let app = spawn_app().await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 2).await;
    browser.add_to_basket(TEAPOT, 1).await;

    let page = browser.get("/").await;

    assert!(page.body.contains("3 items in your basket"));
}

/// A page's session load hands the basket's lines over in the loaded state; that entry is
/// the request's, never stored: the row holds only what the handlers wrote.
#[actix_web::test]
async fn the_basket_read_with_the_session_is_never_stored_in_it() {
    // A session lives 100 s here, so it is written again a second after its last write.
    let app = spawn_app_with(|settings| {
        settings.session_ttl = std::time::Duration::from_secs(100);
    })
    .await;
    let browser = app.browser();
    browser.add_to_basket(MUG, 1).await;
    let page = browser.get("/basket").await;
    assert!(page.body.contains("Enamel Camping Mug"));
    let written = app.scalar("SELECT MAX(last_seen_at) AS n FROM sessions");

    // A write after a read: the state it stores is the handlers', without the lines.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(2100)).await;
    browser.add_to_basket(TEAPOT, 1).await;
    let rewritten = app.scalar("SELECT MAX(last_seen_at) AS n FROM sessions");
    assert!(rewritten > written, "the session was written again");
    let loaded = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM sessions WHERE state LIKE '%{}%'",
        trolley::session_store::LOADED_BASKET
    ));
    assert_eq!(loaded, 0);
    assert_eq!(app.count("sessions"), 1);
}

/// Every rule of the stylesheet is closed where it ends: an unclosed block (a merge that
/// lost a `}`) swallows the rules after it, which no page test notices. The stylesheet
/// nests blocks only inside at-rules (`@media`).
#[test]
fn the_stylesheet_closes_every_block_it_opens() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/static/css/trolley.css");
    let css = std::fs::read_to_string(path).expect("the stylesheet");
    // Each open block: whether it is an at-rule's.
    let mut open: Vec<bool> = Vec::new();
    let (mut prelude, mut line, mut in_comment) = (String::new(), 1, false);
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        if in_comment {
            if c == '*' && chars.peek() == Some(&'/') {
                chars.next();
                in_comment = false;
            }
            continue;
        }
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                in_comment = true;
            }
            '{' => {
                assert_ne!(
                    open.last(),
                    Some(&false),
                    "line {line}: `{}` opens inside a rule",
                    prelude.trim()
                );
                open.push(prelude.trim().starts_with('@'));
                prelude.clear();
            }
            '}' => {
                assert!(open.pop().is_some(), "line {line}: a `}}` closing nothing");
                prelude.clear();
            }
            ';' => prelude.clear(),
            c => prelude.push(c),
        }
    }
    assert!(open.is_empty(), "{} block(s) left open", open.len());
}
