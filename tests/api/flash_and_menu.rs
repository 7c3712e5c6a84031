//! The page's furniture on a phone and from the keyboard: a message that can be
//! dismissed without script (its link loads the page again, where it is not shown twice),
//! and an admin header whose links are also a menu that opens without script.

use actix_web::http::StatusCode;

use crate::common::{app_and_admin, spawn_app, Browser, MUG, SOLD_OUT};

/// The Dismiss link of a message shown on a page whose address is `path` (escaped as
/// Tera writes it in an attribute).
fn dismiss_to(path: &str) -> String {
    format!(
        r#"<a class="flash-dismiss" href="{}">Dismiss<span class="visually-hidden"> this message</span></a>"#,
        path.replace('&', "&amp;").replace('/', "&#x2F;")
    )
}

async fn add(
    browser: &Browser,
    product_id: i64,
    quantity: &str,
    next: &str,
) -> crate::common::Page {
    let id = product_id.to_string();
    let fields = [
        ("product_id", id.as_str()),
        ("quantity", quantity),
        ("next", next),
    ];
    browser.submit("/basket/items", &fields).await
}

#[actix_web::test]
async fn a_message_is_dismissed_by_loading_its_page_again_where_it_is_not_shown_twice() {
    let app = spawn_app().await;
    let shopper = app.browser();

    let added = add(&shopper, MUG, "1", "/?q=mug").await;
    assert_eq!(added.location(), Some("/?q=mug#product-1"));
    let shown = shopper.get("/?q=mug").await;
    let again = shopper.get("/?q=mug").await;

    assert!(
        shown
            .body
            .contains("Added the Enamel Camping Mug to your basket."),
        "{}",
        shown.body
    );
    assert!(
        shown.body.contains(&dismiss_to("/?q=mug")),
        "{}",
        shown.body
    );
    assert!(!shown.body.contains("flash-sticky"));
    assert_eq!(again.status, StatusCode::OK);
    assert!(!again.body.contains("Added the"), "shown once only");
    assert!(!again.body.contains("flash-dismiss"));
}

#[actix_web::test]
async fn a_refusal_shown_on_the_page_it_came_from_is_dismissed_by_loading_that_page() {
    let app = spawn_app().await;
    let shopper = app.browser();

    let refused = add(&shopper, SOLD_OUT, "1", &format!("/products/{SOLD_OUT}")).await;

    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body.contains("flash flash-error"),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains(&dismiss_to(&format!("/products/{SOLD_OUT}"))),
        "{}",
        refused.body
    );
}

#[actix_web::test]
async fn the_admin_headers_links_are_also_a_menu_that_opens_without_script() {
    let (app, admin) = app_and_admin().await;

    let orders = admin.get("/admin/orders").await;
    let login = app.browser().get("/admin/login").await;

    let menu = &orders.body[orders
        .body
        .find(r#"<details class="admin-menu">"#)
        .expect("a menu")..];
    let menu = &menu[..menu.find("</details>").expect("its end")];
    assert!(menu.contains(">Menu</summary>"), "{menu}");
    for link in [
        "Orders",
        "Emails",
        "Products",
        "Categories",
        "Baskets",
        "Customers",
        "Sessions",
        "View shop",
    ] {
        assert!(menu.contains(&format!(">{link}</a>")), "{link}: {menu}");
    }
    assert!(menu.contains(">Log out</button>"));
    assert!(orders
        .body
        .contains(r#"<nav class="site-nav admin-nav-row" aria-label="Admin">"#));
    assert!(
        !login.body.contains("admin-menu"),
        "nothing to put in a menu before login"
    );
}
