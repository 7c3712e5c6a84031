//! GET /admin/customers: shoppers' accounts, 50 a page, searched by email and name; GET
//! /admin/customers/{id}: one account with its orders.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::params::{parse_id, parse_page};
use crate::db::models::account::{self, Customer};
use crate::domain::Money;
use crate::routes::views::{shown_time, OrderView};
use crate::web::{AppError, AppState};

pub const PAGE_SIZE: i64 = 50;

/// The longest search the list takes.
const MAX_QUERY_CHARS: usize = 200;

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    page: Option<String>,
    q: Option<String>,
}

#[derive(Serialize)]
struct CustomerView {
    id: i64,
    email: String,
    name: String,
    joined: String,
    orders: i64,
    spent: Money,
}

impl CustomerView {
    fn new(customer: Customer, zone: chrono_tz::Tz) -> Self {
        Self {
            id: customer.account.id,
            joined: shown_time(customer.account.created_at, zone),
            email: customer.account.email,
            name: customer.account.name,
            orders: customer.orders,
            spent: Money::from_pence(customer.spent_pence),
        }
    }
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let page = parse_page(params.page.as_deref())?;
    let q = params
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_owned);
    if q.as_ref()
        .is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS)
    {
        return Err(AppError::BadRequest(format!(
            "The search can be at most {MAX_QUERY_CHARS} characters."
        )));
    }
    let offset = (page - 1) * PAGE_SIZE;
    let search = q.clone();
    let (rows, count) = state
        .db
        .query(move |conn| account::customers(conn, search.as_deref(), PAGE_SIZE, offset))
        .await?;
    let pages = ((count + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    if page > pages {
        return Err(AppError::NotFound);
    }
    let zone = state.settings.timezone;
    let customers: Vec<CustomerView> = rows
        .into_iter()
        .map(|row| CustomerView::new(row, zone))
        .collect();
    let mut context = tera::Context::new();
    context.insert("customers", &customers);
    context.insert("count", &count);
    context.insert("page", &page);
    context.insert("pages", &pages);
    context.insert("q", &q.unwrap_or_default());
    state.render(&req, StatusCode::OK, "admin/customers.html", context)
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let (found, orders, totals) = state
        .db
        .run(move |conn| {
            let Some(found) = account::find(conn, id)? else {
                return Err(AppError::NotFound);
            };
            let orders = account::orders(conn, id, 500)?;
            let totals = account::order_totals(conn, &[id])?;
            Ok((found, orders, totals))
        })
        .await?;
    let zone = state.settings.timezone;
    let (_, count, spent) = totals.first().copied().unwrap_or((id, 0, 0));
    let customer = CustomerView::new(
        Customer {
            account: found,
            orders: count,
            spent_pence: spent,
        },
        zone,
    );
    let orders: Vec<OrderView> = orders
        .into_iter()
        .map(|order| OrderView::new(order, zone))
        .collect();
    let mut context = tera::Context::new();
    context.insert("customer", &customer);
    context.insert("orders", &orders);
    state.render(&req, StatusCode::OK, "admin/customer.html", context)
}
