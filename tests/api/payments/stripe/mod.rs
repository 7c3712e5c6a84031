//! Stripe Checkout against the Stripe test double: the order placed goes to the hosted
//! page under a key derived from its token; the webhook (signed, taken once) or the
//! return page confirms the payment, once, whichever comes first; an expired session puts
//! the stock back; a cancelled paid order is refunded once; and Stripe failing or a crash
//! never takes an order twice or loses one.

mod confirm;
mod recovery;

use std::time::Duration;

use actix_web::http::StatusCode;
use trolley::domain::PaymentMode;

use crate::common::{spawn_app_with, Browser, TestApp, MUG};
use crate::stripe_double::{StripeDouble, SECRET_KEY, WEBHOOK_SECRET};

/// Settings for a shop taking card payments on `double`.
pub fn stripe_settings(settings: &mut trolley::config::Settings, double: &StripeDouble) {
    settings.payments.mode = PaymentMode::Stripe;
    settings.payments.deadline = Duration::from_secs(3_600);
    settings.payments.stripe = Some(trolley::config::StripeSettings {
        secret_key: SECRET_KEY.into(),
        webhook_secret: WEBHOOK_SECRET.into(),
        api_base: double.base.clone(),
    });
    settings.catalogue_max_age = Duration::ZERO;
}

/// A shop on Stripe (the double), its webhooks delivered to it.
pub async fn stripe_shop(double: &StripeDouble) -> TestApp {
    let app = spawn_app_with(|settings| stripe_settings(settings, double)).await;
    double.deliver_to(&format!("{}/payments/stripe/webhook", app.address));
    app
}

/// Places an order for `quantity` mugs: its token and where the shop sent the shopper.
pub async fn place(app: &TestApp, quantity: i32) -> (Browser, String, String) {
    let shopper = app.browser();
    shopper.add_to_basket(MUG, quantity).await;
    let (_, token) = shopper.open_checkout().await;
    let page = shopper.place_order(&token).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location = page.location().expect("a redirect").to_owned();
    (shopper, token, location)
}

/// The session id in a hosted page's address (`…/c/pay/cs_test_…`).
pub fn session_of(location: &str) -> String {
    location.rsplit('/').next().expect("an id").to_owned()
}

/// Pays on the double's hosted page, as the shopper's Pay button does.
pub async fn pay_on_stripe(location: &str) -> u16 {
    // Not followed: Stripe's redirect goes back to the shop's return page.
    let client = awc::Client::builder().disable_redirects().finish();
    let response = client
        .post(format!("{location}/pay"))
        .send()
        .await
        .unwrap_or_else(|error| panic!("the hosted page {location}: {error:?}"));
    response.status().as_u16()
}

pub fn paid_events(app: &TestApp, id: i64) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM payment_events WHERE order_id = {id} AND to_state = 'paid'"
    ))
}

pub fn stock(app: &TestApp) -> i64 {
    app.scalar(&format!(
        "SELECT CAST(stock AS BIGINT) AS n FROM products WHERE id = {MUG}"
    ))
}
