//! Stripe Checkout's routes: POST /orders/{order_token}/pay ("Pay now" on the receipt)
//! and POST /payments/stripe/webhook (Stripe's events, signed).

use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde_json::Value;

use crate::db::models::order::{self, Confirmation, ProviderEvent, Taken};
use crate::domain::OrderToken;
use crate::stripe::{reference_of, verify, PayStep, Stripe};
use crate::web::{see_other, AppError, AppState, Flash, Form, NoFields};

/// The largest webhook body taken: Stripe's events are a few kilobytes.
pub const MAX_WEBHOOK_BYTES: usize = 256 * 1024;

fn stripe(state: &AppState) -> Result<&Stripe, AppError> {
    state.stripe.as_ref().ok_or(AppError::NotFound)
}

/// The order's id for its token; 404 when there is none.
async fn order_id(state: &AppState, token: &str) -> Result<i64, AppError> {
    let token = OrderToken::parse(token).ok_or(AppError::NotFound)?;
    let found = state
        .db
        .query(move |conn| order::find_by_token(conn, token))
        .await?;
    Ok(found.ok_or(AppError::NotFound)?.id)
}

/// "Pay now": 303 to the order's open Checkout Session, or a new one when the last
/// expired; back to the receipt, saying so, when it is paid or awaits no payment; 502 when
/// Stripe cannot be reached (the order is kept).
pub async fn pay(
    state: web::Data<AppState>,
    path: web::Path<String>,
    _button: Form<NoFields>,
) -> Result<HttpResponse, AppError> {
    let stripe = stripe(&state)?;
    let id = order_id(&state, &path).await?;
    let receipt = format!("/orders/{}", path.as_str());
    Ok(match stripe.pay(&state.db, id).await? {
        PayStep::Redirect(url) => see_other(&url),
        PayStep::Paid => state.redirect_with(&receipt, &Flash::info("This order is paid.")),
        PayStep::Closed => state.redirect_with(
            &receipt,
            &Flash::error("This order awaits no payment: it was cancelled or its payment expired."),
        ),
    })
}

/// How long a shopper who has just placed an order waits for Stripe before the receipt
/// (which offers "Pay now") is the answer instead: less than the client's three attempts.
const FIRST_STEP_PATIENCE: Duration = Duration::from_secs(12);

/// Sends the shopper to Stripe's page for the order just placed: the URL, or `None` when
/// Stripe could not be reached in time (the receipt then offers "Pay now"; a session made
/// meanwhile is found again under the same key).
pub async fn first_payment_step(state: &AppState, token: OrderToken) -> Option<String> {
    let stripe = state.stripe.as_ref()?;
    let id = order_id(state, &token.to_string()).await.ok()?;
    let step = actix_web::rt::time::timeout(FIRST_STEP_PATIENCE, stripe.pay(&state.db, id));
    match step.await {
        Ok(Ok(PayStep::Redirect(url))) => Some(url),
        Ok(Ok(_)) => None,
        Ok(Err(error)) => {
            log::warn!("order {id}: no Checkout Session yet: {error}");
            None
        }
        Err(_) => {
            log::warn!("order {id}: no Checkout Session within {FIRST_STEP_PATIENCE:?}");
            None
        }
    }
}

/// POST /payments/stripe/webhook: the signature checked as Stripe documents it (400 and
/// nothing changed when it fails), then the event taken once with its change.
pub async fn webhook(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let stripe = stripe(&state)?;
    let header = req
        .headers()
        .get("Stripe-Signature")
        .and_then(|value| value.to_str().ok());
    let now = Utc::now();
    verify(header, &body, stripe.webhook_secret(), now.timestamp())
        .map_err(|error| AppError::BadRequest(format!("Stripe-Signature: {error}")))?;
    let event: Value = serde_json::from_slice(&body)
        .map_err(|_| AppError::BadRequest("The event is not JSON.".into()))?;
    let (Some(id), Some(kind)) = (event["id"].as_str(), event["type"].as_str()) else {
        return Err(AppError::BadRequest("The event has no id or type.".into()));
    };
    let object = &event["data"]["object"];
    let token = object["client_reference_id"]
        .as_str()
        .or_else(|| object["metadata"]["order_token"].as_str());
    // An event about no order of this shop's is taken and ignored; a database that cannot
    // say is a 503, and Stripe sends the event again.
    let order_id = match token {
        Some(token) => match order_id(&state, token).await {
            Ok(id) => Some(id),
            Err(AppError::NotFound) => None,
            Err(error) => return Err(error),
        },
        None => None,
    };
    let (id, kind, session_id, reference) = (
        id.to_owned(),
        kind.to_owned(),
        object["id"].as_str().unwrap_or_default().to_owned(),
        reference_of(object),
    );
    let paid = object["payment_status"] == "paid";
    let now = now.naive_utc();
    let taken = state
        .db
        .query(move |conn| {
            let event = provider_event(&kind, order_id, paid, &session_id, &reference);
            order::take_event(conn, &id, &kind, event, now)
        })
        .await?;
    match taken {
        Taken::Paid(Confirmation::LatePayment) => log::warn!(
            "order {} was paid after its payment expired: flagged for an admin",
            order_id.unwrap_or_default()
        ),
        Taken::Expired(true) => state.catalogue_copy.invalidate(),
        _ => {}
    }
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(r#"{"received":true}"#))
}

/// What Stripe's event of type `kind` asks of the order `order_id` (`None`: no order of
/// this shop's).
fn provider_event<'a>(
    kind: &str,
    order_id: Option<i64>,
    paid: bool,
    session_id: &'a str,
    reference: &'a str,
) -> ProviderEvent<'a> {
    match (kind, order_id) {
        (
            "checkout.session.completed" | "checkout.session.async_payment_succeeded",
            Some(order_id),
        ) if paid => ProviderEvent::Paid {
            order_id,
            reference,
        },
        ("checkout.session.expired", Some(order_id)) => ProviderEvent::Expired {
            order_id,
            session_id,
        },
        _ => ProviderEvent::Ignored,
    }
}
