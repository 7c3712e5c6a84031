//! Control characters (a NUL byte above all) are refused wherever text enters: 400 in a
//! path or query, 422 in a form field, with the message, and nothing changes. On
//! PostgreSQL a NUL once answered 500; on SQLite it was stored, and `?q=%00` matched
//! every product.

use actix_web::http::StatusCode;

use crate::common::{app_and_admin, ADMIN_PASSWORD, MUG};

const QUERY_MESSAGE: &str = "has a control character (such as a NUL byte) in it";

#[actix_web::test]
async fn a_control_character_in_a_search_or_filter_is_400_with_the_message() {
    let (app, admin) = app_and_admin().await;
    let shopper = app.browser();

    for path in [
        "/?q=%00",
        "/?q=mug%00",
        "/?q=a%1Bb",
        "/?q=%C2%85",
        "/?page=1%00",
    ] {
        let page = shopper.get(path).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(page.body.contains(QUERY_MESSAGE), "{path}: {}", page.body);
        assert!(page.body.contains("<html"), "the site's error page");
    }
    for path in [
        "/admin/orders?q=%00",
        "/admin/orders.csv?q=%00",
        "/admin/products?page=%00",
    ] {
        let page = admin.get(path).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(page.body.contains(QUERY_MESSAGE), "{path}");
    }
    let path = shopper.get("/products/1%00").await;
    assert_eq!(path.status, StatusCode::BAD_REQUEST);
    let receipt = shopper.get("/orders/%00").await;
    assert_eq!(receipt.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("sessions"), 1, "the admin's only");
}

#[actix_web::test]
async fn an_ordinary_search_with_spaces_and_accents_still_works() {
    let (app, _) = app_and_admin().await;
    let page = app.browser().get("/?q=enamel%20camping").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Enamel Camping Mug"));
    let accents = app.browser().get("/?q=caf%C3%A9").await;
    assert_eq!(accents.status, StatusCode::OK);
}

#[actix_web::test]
async fn a_control_character_in_a_form_field_is_422_naming_the_field_and_changes_nothing() {
    let (app, admin) = app_and_admin().await;
    let shopper = app.browser();
    shopper.add_to_basket(MUG, 1).await;
    let (_, token) = shopper.open_checkout().await;
    let before = app.snapshot();
    let products = app.count("products");

    let checkout = shopper
        .submit(
            "/checkout",
            &[
                ("name", "Ada\0Lovelace"),
                ("email", "ada@example.com"),
                ("address", "1 High St\nLeeds LS1 1AA"),
                ("order_token", &token),
            ],
        )
        .await;
    let created = admin
        .submit(
            "/admin/products",
            &[
                ("name", "Tin\0Kettle"),
                ("description", "Useful."),
                ("price", "12.50"),
                ("stock", "3"),
                ("active", "on"),
            ],
        )
        .await;
    let described = admin
        .submit(
            "/admin/products",
            &[
                ("name", "Tin Kettle"),
                ("description", "Use\u{1b}[31mful"),
                ("price", "12.50"),
                ("stock", "3"),
            ],
        )
        .await;

    assert_eq!(checkout.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(checkout
        .body
        .contains("The field name has a control character"));
    assert_eq!(created.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(created
        .body
        .contains("The field name has a control character"));
    assert_eq!(described.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(described
        .body
        .contains("The field description has a control character"));
    assert_eq!(app.snapshot(), before);
    assert_eq!(app.count("products"), products);
    assert_eq!(app.count("orders"), 0);
}

#[actix_web::test]
async fn a_login_with_a_nul_in_the_username_is_422_and_checks_no_password() {
    let (app, _) = app_and_admin().await;
    let browser = app.browser();

    let page = browser.log_in("adm\0in", ADMIN_PASSWORD).await;

    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page
        .body
        .contains("The field username has a control character"));
    assert_eq!(app.count("login_failures"), 0);
}
