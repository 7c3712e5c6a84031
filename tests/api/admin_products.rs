//! Admins manage the catalogue: products, prices, stock, and the history of changes.

use actix_web::http::StatusCode;

use crate::common::{app_and_admin, assert_redirect_to, ADMIN, MUG, TEAPOT};

fn product_fields<'a>(name: &'a str, price: &'a str, stock: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("description", "Useful."),
        ("price", price),
        ("stock", stock),
        ("active", "on"),
    ]
}

#[actix_web::test]
async fn the_product_list_shows_every_product_with_price_stock_and_state() {
    let (app, admin) = app_and_admin().await;
    app.set_active(TEAPOT, false);

    let page = admin.get("/admin/products").await;

    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page.body.contains("Enamel Camping Mug") && page.body.contains("£9.50"));
    assert!(page.body.contains("Stoneware Teapot") && page.body.contains("Off sale"));
    assert!(page.body.contains("href=\"/admin/products/new\""));
    assert!(page
        .body
        .contains(&format!("href=\"/admin/products/{MUG}\"")));
}

#[actix_web::test]
async fn product_pages_need_an_admin_session() {
    let (app, _) = app_and_admin().await;
    let shopper = app.browser();

    for path in [
        "/admin/products",
        "/admin/products/new",
        "/admin/products/1",
    ] {
        assert_redirect_to(&shopper.get(path).await, "/admin/login");
    }
    let create = shopper
        .submit("/admin/products", &product_fields("Kettle", "20", "5"))
        .await;
    let stock = shopper
        .submit(&format!("/admin/products/{MUG}/stock"), &[("change", "+5")])
        .await;
    assert_eq!(create.status, StatusCode::FORBIDDEN);
    assert_eq!(stock.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("products"), 14);
    assert_eq!(app.stock_of(MUG), 40);
}

#[actix_web::test]
async fn an_admin_creates_a_product_that_shoppers_can_find_and_buy() {
    let (app, admin) = app_and_admin().await;

    let form = admin.get("/admin/products/new").await;
    let created = admin
        .submit(
            "/admin/products",
            &product_fields("Tin <Kettle>", "12.50", "3"),
        )
        .await;

    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let location = created.location().expect("a location").to_owned();
    let id: i64 = location
        .trim_start_matches("/admin/products/")
        .parse()
        .expect("an id");
    let page = admin.get(&location).await;
    assert!(page.body.contains("Tin &lt;Kettle&gt;"), "escaped");
    assert!(!page.body.contains("Tin <Kettle>"));
    assert!(page.body.contains("name=\"version\""));
    assert!(page.body.contains("Created"), "the history");
    assert!(page.body.contains(ADMIN), "who");

    let shopper = app.browser();
    let search = shopper.get("/?q=kettle").await;
    assert!(search.body.contains("Tin &lt;Kettle&gt;") && search.body.contains("£12.50"));
    let token = app.buy(id, 2, "Ada", "ada@example.com").await;
    assert!(shopper
        .get(&format!("/orders/{token}"))
        .await
        .body
        .contains("£25.00"));
    assert_eq!(app.stock_of(id), 1);
}

#[actix_web::test]
async fn bad_product_fields_are_422_with_messages_and_the_values_typed() {
    let (app, admin) = app_and_admin().await;

    for (name, price, stock, field) in [
        ("", "1.00", "1", "name"),
        ("Kettle", "-1", "1", "price"),
        ("Kettle", "abc", "1", "price"),
        ("Kettle", "1.005", "1", "price"),
        ("Kettle", "1.00", "-1", "stock"),
        ("Kettle", "1.00", "1000001", "stock"),
        ("Kettle", "1.00", "many", "stock"),
    ] {
        let page = admin
            .submit("/admin/products", &product_fields(name, price, stock))
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {price} {stock}"
        );
        assert!(
            page.body.contains(&format!("id=\"{field}-error\"")),
            "{field}"
        );
        assert!(
            page.body.contains(&format!("href=\"#{field}\"")),
            "the summary links it"
        );
        assert!(
            page.body.contains(&format!("value=\"{price}\"")),
            "the price typed"
        );
        assert!(page.body.contains("<title>Error: "));
    }
    assert_eq!(app.count("products"), 14);
}

#[actix_web::test]
async fn saving_an_edit_changes_the_product_and_a_stale_form_is_409_changing_nothing() {
    let (app, admin) = app_and_admin().await;
    let path = format!("/admin/products/{MUG}");
    let form = admin.get(&path).await;
    let version = form.hidden("version").expect("a version");
    let edit = |price: &'static str, version: String| {
        let admin = &admin;
        let path = path.clone();
        async move {
            admin
                .submit(
                    &path,
                    &[
                        ("name", "Enamel Camping Mug"),
                        ("description", "Blue."),
                        ("price", price),
                        ("active", "on"),
                        ("version", &version),
                    ],
                )
                .await
        }
    };

    let saved = edit("10.00", version.clone()).await;
    let stale = edit("11.00", version).await;

    assert_redirect_to(&saved, &path);
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(
        app.scalar(&format!(
            "SELECT price_pence AS n FROM products WHERE id = {MUG}"
        )),
        1000
    );
    let page = admin.get(&path).await;
    assert!(
        page.body.contains("price £9.50 → £10.00"),
        "the history says what changed"
    );
    assert!(app.browser().get("/").await.body.contains("£10.00"));
}

#[actix_web::test]
async fn taking_a_product_off_sale_hides_it_from_shoppers() {
    let (app, admin) = app_and_admin().await;
    let path = format!("/admin/products/{MUG}");
    let version = admin.get(&path).await.hidden("version").expect("a version");

    let saved = admin
        .submit(
            &path,
            &[
                ("name", "Enamel Camping Mug"),
                ("description", "x"),
                ("price", "9.50"),
                ("version", &version),
            ],
        )
        .await;

    assert_redirect_to(&saved, &path);
    assert_eq!(
        app.browser().get(&format!("/products/{MUG}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(admin.get(&path).await.body.contains("now off sale"));
}

#[actix_web::test]
async fn stock_changes_are_signed_deltas_that_keep_sales_made_meanwhile() {
    let (app, admin) = app_and_admin().await;
    let path = format!("/admin/products/{MUG}/stock");
    admin.get(&format!("/admin/products/{MUG}")).await; // the form is open: 40 in stock
    app.buy(MUG, 3, "Ada", "ada@example.com").await; // a sale meanwhile: 37

    assert_redirect_to(
        &admin.submit(&path, &[("change", "+10")]).await,
        &format!("/admin/products/{MUG}"),
    );
    assert_eq!(app.stock_of(MUG), 47, "the sale is kept");
    assert_redirect_to(
        &admin.submit(&path, &[("change", "-7")]).await,
        &format!("/admin/products/{MUG}"),
    );
    assert_eq!(app.stock_of(MUG), 40);

    let below = admin.submit(&path, &[("change", "-41")]).await;
    assert_eq!(below.status, StatusCode::CONFLICT);
    for junk in ["", "abc", "1.5", "0", "+-1", "99999999999"] {
        let page = admin.submit(&path, &[("change", junk)]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{junk:?}");
    }
    assert_eq!(app.stock_of(MUG), 40);
    let unknown = admin
        .submit("/admin/products/999/stock", &[("change", "+1")])
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let history = admin.get(&format!("/admin/products/{MUG}")).await;
    assert!(history.body.contains("Stock +10 → 47") && history.body.contains("Stock -7 → 40"));
}

#[actix_web::test]
async fn concurrent_stock_changes_all_count_and_never_go_below_zero() {
    let (app, admin) = app_and_admin().await;
    app.set_stock(TEAPOT, 10);
    let path = format!("/admin/products/{TEAPOT}/stock");

    let answers =
        futures::future::join_all((0..15).map(|_| admin.submit(&path, &[("change", "-1")]))).await;

    let ok = answers
        .iter()
        .filter(|page| page.status == StatusCode::SEE_OTHER)
        .count();
    let refused = answers
        .iter()
        .filter(|page| page.status == StatusCode::CONFLICT)
        .count();
    assert_eq!((ok, refused), (10, 5));
    assert_eq!(app.stock_of(TEAPOT), 0);
}

#[actix_web::test]
async fn a_price_change_never_changes_past_orders() {
    let (app, admin) = app_and_admin().await;
    let token = app.buy(MUG, 1, "Ada", "ada@example.com").await;
    let path = format!("/admin/products/{MUG}");
    let version = admin.get(&path).await.hidden("version").expect("a version");

    admin
        .submit(
            &path,
            &[
                ("name", "Enamel Camping Mug"),
                ("description", "x"),
                ("price", "99.00"),
                ("active", "on"),
                ("version", &version),
            ],
        )
        .await;

    let receipt = app.browser().get(&format!("/orders/{token}")).await;
    assert!(receipt.body.contains("£9.50"));
    assert!(!receipt.body.contains("£99.00"));
}

/// The limit's rule: an admin's increase may not pass 1,000,000; a cancellation puts back
/// exactly what its order took, even past it; a decrease is then still allowed.
#[actix_web::test]
async fn a_cancellation_may_pass_the_stock_limit_and_the_stock_can_still_be_lowered() {
    let (app, admin) = app_and_admin().await;
    app.buy(MUG, 5, "Ada", "ada@example.com").await;
    app.set_stock(MUG, 1_000_000);
    let order = app.scalar("SELECT id AS n FROM orders");

    let cancelled = admin
        .submit(
            &format!("/admin/orders/{order}/status"),
            &[("status", "cancelled")],
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    assert_eq!(app.stock_of(MUG), 1_000_005, "every unit put back");

    let stock = format!("/admin/products/{MUG}/stock");
    let lowered = admin.submit(&stock, &[("change", "-1")]).await;
    assert_eq!(lowered.status, StatusCode::SEE_OTHER, "{}", lowered.body);
    assert_eq!(app.stock_of(MUG), 1_000_004);

    let raised = admin.submit(&stock, &[("change", "+1")]).await;
    assert_eq!(raised.status, StatusCode::CONFLICT);
    assert!(raised.body.contains("above 1000000"), "{}", raised.body);
    assert_eq!(app.stock_of(MUG), 1_000_004, "nothing changed");
    let below = admin.submit(&stock, &[("change", "-1000000")]).await;
    assert_eq!(below.status, StatusCode::SEE_OTHER);
    assert_eq!(app.stock_of(MUG), 4);
    let under_zero = admin.submit(&stock, &[("change", "-5")]).await;
    assert_eq!(under_zero.status, StatusCode::CONFLICT);
    assert!(under_zero.body.contains("below 0"));
}
