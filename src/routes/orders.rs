//! GET /orders/{order_token}: the receipt.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::views::{OrderLineView, OrderView};
use crate::db::models::{order, outbox};
use crate::domain::{OrderStatus, OrderToken, PaymentMode, PaymentState};
use crate::session::TypedSession;
use crate::web::{note_basket_count, AppError, AppState};

pub async fn receipt(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = OrderToken::parse(&path).ok_or(AppError::NotFound)?;
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
    let mut context = tera::Context::new();
    context.insert("payment_instructions", &instructions);
    context.insert("order", &OrderView::new(order, state.settings.timezone));
    context.insert("lines", &lines);
    context.insert("email_kind", &email.map(OrderStatus::as_str));
    note_basket_count(&req, count);
    state.render(&req, StatusCode::OK, "receipt.html", context)
}
