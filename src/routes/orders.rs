//! GET /orders/{order_token}: the receipt. Coming back from Stripe's page
//! (`?checkout=return`), it asks Stripe first, so that a late webhook does not leave the
//! shopper looking at "Awaiting payment".

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::views::{OrderLineView, OrderView};
use crate::db::models::{order, outbox};
use crate::domain::{OrderStatus, OrderToken, PaymentMode, PaymentState};
use crate::session::TypedSession;
use crate::stripe::Stripe;
use crate::web::{note_basket_count, AppError, AppState};

/// The receipt's query: `checkout=return` when Stripe sent the shopper back.
#[derive(Debug, Deserialize)]
pub struct ReceiptQuery {
    checkout: Option<String>,
}

pub async fn receipt(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    path: web::Path<String>,
    query: web::Query<ReceiptQuery>,
) -> Result<HttpResponse, AppError> {
    let token = OrderToken::parse(&path).ok_or(AppError::NotFound)?;
    if let (Some(stripe), Some("return")) = (&state.stripe, query.checkout.as_deref()) {
        returned(&state, stripe, token).await?;
    }
    let basket = session.basket();
    let (found, count) = state
        .db
        .query(move |conn| {
            let found = match order::find_by_token(conn, token)? {
                Some(order) => {
                    let lines = order::lines(conn, order.id)?;
                    let email = outbox::latest_live_for_order(conn, order.id)?;
                    Some((order, lines, email))
                }
                None => None,
            };
            Ok((found, basket.count(conn)?))
        })
        .await?;
    let (order, lines, email) = found.ok_or(AppError::NotFound)?;
    // Only an email that is queued or sent, with a server to send it through, is "on its
    // way"; without one the receipt claims nothing.
    let email = email.filter(|_| state.settings.mail.smtp_url.is_some());
    let lines: Vec<OrderLineView> = lines.into_iter().map(OrderLineView::from).collect();
    // How to pay, while a bank transfer is awaited.
    let payments = &state.settings.payments;
    let instructions = payments.instructions.as_deref().filter(|_| {
        payments.mode == PaymentMode::Manual && order.payment_state == PaymentState::Awaiting
    });
    let pay_online =
        payments.mode == PaymentMode::Stripe && order.payment_state == PaymentState::Awaiting;
    let mut context = tera::Context::new();
    context.insert("payment_instructions", &instructions);
    context.insert("pay_online", &pay_online);
    context.insert("order", &OrderView::new(order, state.settings.timezone));
    context.insert("lines", &lines);
    context.insert("email_kind", &email.map(OrderStatus::as_str));
    note_basket_count(&req, count);
    state.render(&req, StatusCode::OK, "receipt.html", context)
}

/// The shopper is back from Stripe: the payment confirmed now if Stripe says it is paid.
/// Stripe out of reach changes nothing here (the webhook will come): the receipt shows.
async fn returned(state: &AppState, stripe: &Stripe, token: OrderToken) -> Result<(), AppError> {
    let found = state
        .db
        .query(move |conn| order::find_by_token(conn, token))
        .await?;
    if let Some(found) = found {
        if let Err(error) = stripe.check_return(&state.db, found.id).await {
            log::warn!("order {}: Stripe not asked on return: {error}", found.id);
        }
    }
    Ok(())
}
