//! POST /admin/orders/{id}/status: placed → shipped (with an optional carrier and
//! tracking number) or placed → cancelled, each emailing the customer; 409 for any other
//! change.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::Deserialize;

use super::super::note_failed_emails;
use super::super::params::parse_id;
use super::confirm::{placed_order, render_ship, ShipForm};
use super::payment::{after_cancel, refusal};
use super::refund::refund;
use crate::db::models::order::{self, StatusChange};
use crate::domain::{OrderNumber, OrderStatus, PaymentState, Shipment};
use crate::session::AdminIdentity;
use crate::web::form::required;
use crate::web::{AppError, AppState, Flash, Form};

/// The status form's fields: the status the order is to become and, when shipping, how.
#[derive(Debug, Deserialize)]
pub struct StatusFields {
    status: Option<String>,
    carrier: Option<String>,
    tracking_number: Option<String>,
}

impl StatusFields {
    fn status(&self) -> Result<OrderStatus, AppError> {
        let status = required(self.status.clone(), "status")?;
        OrderStatus::parse(status.trim()).ok_or_else(|| {
            AppError::BadRequest("status must be placed, shipped or cancelled.".into())
        })
    }

    /// How the order is shipped, or the ship page's form again with what is wrong.
    fn shipment(self) -> Result<Shipment, ShipForm> {
        let carrier = self.carrier.unwrap_or_default();
        let tracking_number = self.tracking_number.unwrap_or_default();
        Shipment::parse(&carrier, &tracking_number).map_err(|errors| ShipForm {
            carrier,
            tracking_number,
            errors,
        })
    }
}

pub async fn change_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
    form: Form<StatusFields>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let fields = form.into_inner();
    let next = fields.status()?;
    let shipment = match next {
        OrderStatus::Shipped => match fields.shipment() {
            Ok(shipment) => shipment,
            Err(form) => {
                // Nothing is changed: the page again, unless the order has moved on (409).
                let (found, lines) = placed_order(&state, id, "shipped").await?;
                note_failed_emails(&req, &state).await?;
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return render_ship(&req, &state, found, lines, status, &form);
            }
        },
        _ => Shipment::default(),
    };
    let username = admin.username.clone();
    let now = Utc::now().naive_utc();
    let change = state
        .db
        .query(move |conn| order::change_status(conn, id, next, &shipment, &username, now))
        .await?;
    let number = OrderNumber::from_id(id);
    match change {
        StatusChange::Changed {
            payment: (before, _),
        } => {
            if next == OrderStatus::Cancelled {
                state.catalogue_copy.invalidate();
            }
            log::info!("admin {:?} marked order {number} {next}", admin.username);
            let message = match next {
                OrderStatus::Cancelled if before == PaymentState::Paid => {
                    let (told, _) = refund(&state, id, &admin.username).await?;
                    format!("{} {told}", after_cancel(number, PaymentState::Expired))
                }
                OrderStatus::Cancelled => after_cancel(number, before),
                _ => format!("Order {number} is marked {next}; the customer's email is queued."),
            };
            Ok(state.redirect_with(&format!("/admin/orders/{id}"), &Flash::info(message)))
        }
        StatusChange::NotFound => Err(AppError::NotFound),
        StatusChange::Refused { current, payment } => {
            Err(AppError::Conflict(refusal(number, current, payment)))
        }
    }
}
