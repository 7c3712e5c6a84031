//! GET /admin/orders/{id}: one order with its lines, customer, shipment, emails and
//! history.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;

use super::super::emails::EmailView;
use super::super::params::parse_id;
use super::payment::PaymentView;
use crate::db::models::{order, outbox};
use crate::domain::OrderStatus;
use crate::routes::views::{shown_time, OrderLineView, OrderView};
use crate::web::{AppError, AppState};

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let (found, lines, events, emails, payments) = state
        .db
        .run(move |conn| {
            let Some(found) = order::find(conn, id)? else {
                return Err(AppError::NotFound);
            };
            let (lines, events) = (order::lines(conn, id)?, order::events(conn, id)?);
            let (emails, payments) = (
                outbox::for_order(conn, id)?,
                order::payment_events(conn, id)?,
            );
            Ok((found, lines, events, emails, payments))
        })
        .await?;
    let zone = state.settings.timezone;
    let payment = PaymentView::new(&found, payments, state.settings.payments.mode, zone);
    let can_change = found.status == OrderStatus::Placed;
    let events: Vec<BTreeMap<&str, String>> = events
        .into_iter()
        .map(|event| {
            BTreeMap::from([
                ("from", event.from_status),
                ("to", event.to_status),
                ("by", event.admin_username),
                ("at", shown_time(event.created_at, zone)),
            ])
        })
        .collect();
    let now_ms = Utc::now().timestamp_millis();
    let emails: Vec<EmailView> = emails
        .into_iter()
        .map(|email| EmailView::new(email, zone, now_ms))
        .collect();
    let lines: Vec<OrderLineView> = lines.into_iter().map(OrderLineView::from).collect();
    let mut context = tera::Context::new();
    context.insert("order", &OrderView::new(found, zone));
    context.insert("lines", &lines);
    context.insert("events", &events);
    context.insert("emails", &emails);
    context.insert("sending", &state.settings.mail.smtp_url.is_some());
    context.insert("can_change", &can_change);
    context.insert("payment", &payment);
    state.render(&req, StatusCode::OK, "admin/order.html", context)
}
