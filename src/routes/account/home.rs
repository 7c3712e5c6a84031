//! GET /account: the account's name and email, and its orders, newest first.

use crate::db::models::account;
use crate::routes::views::OrderView;
use crate::session::{AccountIdentity, TypedSession};
use crate::web::{see_other, AppError, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

/// The most orders the page lists.
const ORDERS_SHOWN: i64 = 100;

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    signed_in: web::ReqData<AccountIdentity>,
) -> Result<HttpResponse, AppError> {
    let id = signed_in.id;
    let found = state
        .db
        .query(move |conn| {
            let Some(found) = account::find(conn, id)? else {
                return Ok(None);
            };
            let orders = account::orders(conn, id, ORDERS_SHOWN)?;
            Ok(Some((found, orders)))
        })
        .await?;
    let Some((found, orders)) = found else {
        // The account was deleted from another device: this session is over too.
        session.purge();
        return Ok(see_other("/account/login"));
    };
    let zone = state.settings.timezone;
    let orders: Vec<OrderView> = orders
        .into_iter()
        .map(|order| OrderView::new(order, zone))
        .collect();
    let mut context = tera::Context::new();
    context.insert("name", &found.name);
    context.insert("email", &found.email);
    context.insert("orders", &orders);
    state.render(&req, StatusCode::OK, "account/home.html", context)
}
