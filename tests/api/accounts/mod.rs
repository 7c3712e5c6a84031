//! Shoppers' accounts (SPEC "Shopper accounts"): signing up and in with the basket merged,
//! the account's basket shared by its devices, signed-in checkout, managing the account,
//! password resets, the races between them, and the admins' customer pages.

mod checkout;
mod customers;
mod manage;
mod races;
mod reset;
mod sign_in;

use crate::common::{Browser, TestApp};

pub const PASSWORD: &str = "a long enough password";

/// The id of the account with this email.
pub fn account_id(app: &TestApp, email: &str) -> i64 {
    app.scalar(&format!(
        "SELECT id AS n FROM accounts WHERE email = '{email}'"
    ))
}

/// How many of a product the account's basket holds.
pub fn in_account_basket(app: &TestApp, email: &str, product_id: i64) -> i64 {
    app.scalar(&format!(
        "SELECT COALESCE(SUM(i.quantity), 0) AS n FROM basket_items i \
         JOIN accounts a ON a.basket_id = i.basket_id \
         WHERE a.email = '{email}' AND i.product_id = {product_id}"
    ))
}

/// A browser signed up (and so signed in) as `email`.
pub async fn signed_up(app: &TestApp, email: &str) -> Browser {
    let browser = app.browser();
    let page = browser.sign_up(email, PASSWORD).await;
    assert_eq!(page.location(), Some("/account"), "{}", page.body);
    browser
}

/// Another browser (another device) signed in as `email`.
pub async fn signed_in(app: &TestApp, email: &str) -> Browser {
    let browser = app.browser();
    let page = browser.sign_in(email, PASSWORD).await;
    assert_eq!(page.location(), Some("/account"), "{}", page.body);
    browser
}
