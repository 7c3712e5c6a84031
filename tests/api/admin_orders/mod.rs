//! The owner's orders pages: one rule for revenue on the list and its chart
//! ([`revenue`]); shipping that asks first, with a carrier and tracking number that reach
//! the receipt and the email ([`shipping`]).

mod revenue;
mod shipping;

use actix_web::http::StatusCode;

use crate::common::{assert_redirect_to, Browser, TestApp, ADMIN, ADMIN_PASSWORD};

/// A delivery address with a postcode of the shop's country.
pub const ADDRESS: &str = "1 High Street\nLondon\nSW1A 1AA";

/// An order a test placed: its id and its receipt's path.
pub struct Bought {
    pub id: i64,
    pub receipt: String,
}

/// A shopper buys `quantity` of a product as `name`, delivered to [`ADDRESS`].
pub async fn buy(app: &TestApp, product_id: i64, quantity: i32, name: &str, email: &str) -> Bought {
    let shopper = app.browser();
    shopper.add_to_basket(product_id, quantity).await;
    let (_, token) = shopper.open_checkout().await;
    let fields = [
        ("name", name),
        ("email", email),
        ("address", ADDRESS),
        ("order_token", token.as_str()),
    ];
    let page = shopper.submit("/checkout", &fields).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let id = app.scalar(&format!(
        "SELECT id AS n FROM orders WHERE order_token = '{token}'"
    ));
    Bought {
        id,
        receipt: format!("/orders/{token}"),
    }
}

/// An admin browser, logged in, with the orders page seen (its CSRF token kept).
pub async fn admin(app: &TestApp) -> Browser {
    app.create_admin(ADMIN, ADMIN_PASSWORD);
    let browser = app.browser();
    assert_redirect_to(
        &browser.log_in(ADMIN, ADMIN_PASSWORD).await,
        "/admin/orders",
    );
    browser.get("/admin/orders").await;
    browser
}

/// Ships or cancels order `id` with the status form's `fields`, as the confirmation
/// pages post them.
pub async fn set_status(admin: &Browser, id: i64, fields: &[(&str, &str)]) -> crate::common::Page {
    admin
        .submit(&format!("/admin/orders/{id}/status"), fields)
        .await
}
