//! Reading Stripe's answers: the fields Trolley needs, or an error saying which is missing.

use serde_json::Value;

use super::StripeError;

/// The payment's reference: the PaymentIntent, else the session.
pub fn reference_of(session: &Value) -> String {
    session["payment_intent"]
        .as_str()
        .or_else(|| session["id"].as_str())
        .unwrap_or_default()
        .to_owned()
}

pub fn text(object: &Value, name: &str) -> Result<String, StripeError> {
    object[name]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| StripeError::Unavailable {
            attempts: 1,
            last: format!("an answer without `{name}`"),
        })
}

pub fn url_of(session: &Value) -> Result<String, StripeError> {
    text(session, "url")
}
