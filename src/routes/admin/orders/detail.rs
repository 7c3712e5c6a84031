//! GET /admin/orders/{id}: one order with its lines, customer, shipment and history.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::super::params::parse_id;
use crate::db::models::order;
use crate::domain::OrderStatus;
use crate::routes::views::{shown_time, OrderLineView, OrderView};
use crate::web::{AppError, AppState};

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let (found, lines, events) = state
        .db
        .run(move |conn| {
            let Some(found) = order::find(conn, id)? else {
                return Err(AppError::NotFound);
            };
            Ok((found, order::lines(conn, id)?, order::events(conn, id)?))
        })
        .await?;
    let zone = state.settings.timezone;
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
    let lines: Vec<OrderLineView> = lines.into_iter().map(OrderLineView::from).collect();
    let mut context = tera::Context::new();
    context.insert("order", &OrderView::new(found, zone));
    context.insert("lines", &lines);
    context.insert("events", &events);
    context.insert("can_change", &can_change);
    state.render(&req, StatusCode::OK, "admin/order.html", context)
}
