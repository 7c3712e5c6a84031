//! Refunding a cancelled order's card payment (Stripe): when an admin cancels a paid order,
//! and again from the order's page (POST /admin/orders/{id}/refund) if Stripe could not be
//! reached then. Once: the refund's idempotency key is derived from the order token, and
//! the order goes from paid to refunded in a conditional update.

use actix_web::{web, HttpResponse};

use super::super::params::parse_id;
use crate::domain::OrderNumber;
use crate::session::AdminIdentity;
use crate::web::{AppError, AppState, Flash, Form, NoFields};

/// Refunds order `id`'s payment: what the admin is told, and whether it is refunded.
pub async fn refund(state: &AppState, id: i64, admin: &str) -> Result<(String, bool), AppError> {
    let number = OrderNumber::from_id(id);
    let Some(stripe) = &state.stripe else {
        let told = "Its payment was recorded: refund it to the payer.";
        return Ok((told.to_owned(), false));
    };
    match stripe.refund(&state.db, id, admin).await {
        Ok(true) => {
            log::info!("admin {admin:?} refunded order {number}");
            Ok(("Its payment is refunded.".to_owned(), true))
        }
        Ok(false) => Err(AppError::Conflict(format!(
            "Order {number} has no payment to refund: only a cancelled order that is paid can be refunded."
        ))),
        Err(crate::stripe::PayError::Stripe(error)) => {
            log::warn!("order {number}: refund not made: {error}");
            let told = "Its payment is not refunded yet: Stripe could not be reached. Use \
                 \"Refund payment\" on this page to try again.";
            Ok((told.to_owned(), false))
        }
        Err(crate::stripe::PayError::Db(error)) => Err(error.into()),
    }
}

/// POST /admin/orders/{id}/refund: 303 → the order, saying what came of it.
pub async fn refund_payment(
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
    path: web::Path<String>,
    _button: Form<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let number = OrderNumber::from_id(id);
    let (told, done) = refund(&state, id, &admin.username).await?;
    let flash = if done {
        Flash::info(format!("Order {number}: {told}"))
    } else {
        Flash::error(format!("Order {number}: {told}"))
    };
    Ok(state.redirect_with(&format!("/admin/orders/{id}"), &flash))
}
