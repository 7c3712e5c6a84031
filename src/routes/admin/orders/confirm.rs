//! The pages that ask before an order moves on, each with a form making the same POST
//! /admin/orders/{id}/status as ever: GET /admin/orders/{id}/cancel (the stock put back)
//! and GET /admin/orders/{id}/ship (the carrier and tracking number, for the email).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::super::params::parse_id;
use super::payment::refusal;
use crate::db::models::order::{self, Order, OrderLine};
use crate::domain::{FieldErrors, OrderStatus};
use crate::routes::views::{OrderLineView, OrderView};
use crate::web::{AppError, AppState};

/// Order `id` with its lines, when it is placed; 404 unknown, 409 moved on already
/// (`doing` says what could not be done: "cancelled", "shipped").
pub(super) async fn placed_order(
    state: &AppState,
    id: i64,
    doing: &'static str,
) -> Result<(Order, Vec<OrderLine>), AppError> {
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
            "Order {} is {}: only a placed order can be {doing}.",
            found.number(),
            found.status
        )));
    }
    if doing == "shipped" && !found.payment_state.allows_shipping() {
        let number = found.number();
        return Err(AppError::Conflict(refusal(
            number,
            found.status,
            found.payment_state,
        )));
    }
    Ok((found, lines))
}

fn order_context(state: &AppState, found: Order, lines: Vec<OrderLine>) -> tera::Context {
    let lines: Vec<OrderLineView> = lines.into_iter().map(OrderLineView::from).collect();
    let mut context = tera::Context::new();
    context.insert("order", &OrderView::new(found, state.settings.timezone));
    context.insert("lines", &lines);
    context
}

/// The page that asks before an order is cancelled: the order, its customer and the
/// stock cancelling puts back.
pub async fn confirm_cancel(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (found, lines) = placed_order(&state, parse_id(&path)?, "cancelled").await?;
    let context = order_context(&state, found, lines);
    state.render(&req, StatusCode::OK, "admin/cancel.html", context)
}

/// The page that asks before an order is shipped (which emails the customer): the order,
/// where it goes, and the optional carrier and tracking number.
pub async fn confirm_ship(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (found, lines) = placed_order(&state, parse_id(&path)?, "shipped").await?;
    let form = ShipForm::default();
    render_ship(&req, &state, found, lines, StatusCode::OK, &form)
}

/// The ship page's form as typed, with what is wrong with it.
#[derive(Debug, Default)]
pub(super) struct ShipForm {
    pub carrier: String,
    pub tracking_number: String,
    pub errors: FieldErrors,
}

/// The ship page: empty, or (422) again with the values typed and the errors.
pub(super) fn render_ship(
    req: &HttpRequest,
    state: &AppState,
    found: Order,
    lines: Vec<OrderLine>,
    status: StatusCode,
    form: &ShipForm,
) -> Result<HttpResponse, AppError> {
    let mut context = order_context(state, found, lines);
    let values = BTreeMap::from([
        ("carrier", form.carrier.as_str()),
        ("tracking_number", form.tracking_number.as_str()),
    ]);
    context.insert("values", &values);
    context.insert("errors", &form.errors);
    context.insert("sending", &state.settings.mail.smtp_url.is_some());
    state.render(req, status, "admin/ship.html", context)
}
