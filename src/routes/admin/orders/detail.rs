//! GET /admin/orders/{id} and POST /admin/orders/{id}/status.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::Deserialize;

use super::super::params::parse_id;
use super::payment::{after_cancel, refusal, PaymentView};
use crate::db::models::order::{self, StatusChange};
use crate::domain::{OrderNumber, OrderStatus};
use crate::routes::views::{shown_time, OrderLineView, OrderView};
use crate::session::AdminIdentity;
use crate::web::form::required;
use crate::web::{AppError, AppState, Flash, Form};

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let (found, lines, events, payments) = state
        .db
        .run(move |conn| {
            let Some(found) = order::find(conn, id)? else {
                return Err(AppError::NotFound);
            };
            let (lines, events) = (order::lines(conn, id)?, order::events(conn, id)?);
            Ok((found, lines, events, order::payment_events(conn, id)?))
        })
        .await?;
    let (mode, zone) = (state.settings.payments.mode, state.settings.timezone);
    let payment = PaymentView::new(&found, payments, mode, zone);
    let can_change = found.status == OrderStatus::Placed;
    let events: Vec<BTreeMap<&str, String>> = events
        .into_iter()
        .map(|event| {
            BTreeMap::from([
                ("from", event.from_status),
                ("to", event.to_status),
                ("by", event.admin_username),
                ("at", shown_time(event.created_at, state.settings.timezone)),
            ])
        })
        .collect();
    let lines: Vec<OrderLineView> = lines.into_iter().map(OrderLineView::from).collect();
    let mut context = tera::Context::new();
    context.insert("order", &OrderView::new(found, state.settings.timezone));
    context.insert("lines", &lines);
    context.insert("events", &events);
    context.insert("can_change", &can_change);
    context.insert("payment", &payment);
    state.render(&req, StatusCode::OK, "admin/order.html", context)
}

/// The page that asks before an order is cancelled: the order, its customer and the
/// stock cancelling puts back. Its form makes the same POST as ever.
pub async fn confirm_cancel(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let (found, lines) = state
        .db
        .run(move |conn| {
            let Some(found) = order::find(conn, id)? else {
                return Err(AppError::NotFound);
            };
            Ok((found, order::lines(conn, id)?))
        })
        .await?;
    if found.status != OrderStatus::Placed {
        return Err(AppError::Conflict(format!(
            "Order {} is {}: only a placed order can be cancelled.",
            found.number(),
            found.status
        )));
    }
    let lines: Vec<OrderLineView> = lines.into_iter().map(OrderLineView::from).collect();
    let mut context = tera::Context::new();
    context.insert("order", &OrderView::new(found, state.settings.timezone));
    context.insert("lines", &lines);
    state.render(&req, StatusCode::OK, "admin/cancel.html", context)
}

/// The status form's field: the status the order is to become.
#[derive(Debug, Deserialize)]
pub struct StatusFields {
    status: Option<String>,
}

impl TryFrom<StatusFields> for OrderStatus {
    type Error = AppError;

    fn try_from(fields: StatusFields) -> Result<Self, AppError> {
        let status = required(fields.status, "status")?;
        OrderStatus::parse(status.trim()).ok_or_else(|| {
            AppError::BadRequest("status must be placed, shipped or cancelled.".into())
        })
    }
}

pub async fn change_status(
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
    form: Form<StatusFields>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let next = OrderStatus::try_from(form.into_inner())?;
    let username = admin.username.clone();
    let now = Utc::now().naive_utc();
    let change = state
        .db
        .query(move |conn| order::change_status(conn, id, next, &username, now))
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
                OrderStatus::Cancelled => after_cancel(number, before),
                _ => format!("Order {number} is marked {next}."),
            };
            Ok(state.redirect_with(&format!("/admin/orders/{id}"), &Flash::info(message)))
        }
        StatusChange::NotFound => Err(AppError::NotFound),
        StatusChange::Refused { current, payment } => {
            Err(AppError::Conflict(refusal(number, current, payment)))
        }
    }
}
