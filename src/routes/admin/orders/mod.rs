//! The orders list with its filter, search and pages ([`list`]); its chart
//! ([`chart`]), its CSV export ([`csv`]), one order ([`detail`]), the pages that ask
//! before it is cancelled or shipped ([`confirm`]), its status ([`status`]), its
//! payment ([`payment`]) and its refund ([`refund`]).

mod chart;
mod confirm;
mod csv;
mod detail;
mod payment;
mod refund;
mod status;

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::db::models::order::{self, OrderFilter};
use crate::domain::OrderStatus;
use crate::routes::views::OrderView;
use crate::web::{AppError, AppState};

pub use self::csv::csv;
pub use confirm::{confirm_cancel, confirm_ship};
pub use detail::detail;
pub use payment::record_paid;
pub use refund::refund_payment;
pub use status::change_status;

pub const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    status: Option<String>,
    payment: Option<String>,
    q: Option<String>,
    page: Option<String>,
}

impl ListParams {
    fn filter(&self) -> Result<OrderFilter, AppError> {
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("" | "all") => None,
            Some(text) => Some(OrderStatus::parse(text).ok_or_else(|| {
                AppError::BadRequest("status must be placed, shipped or cancelled.".into())
            })?),
        };
        let query = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        if query.is_some_and(|q| q.chars().count() > 200) {
            return Err(AppError::BadRequest(
                "The search can be at most 200 characters.".into(),
            ));
        }
        Ok(OrderFilter {
            status,
            payment: payment::filter(self.payment.as_deref())?,
            query: query.map(str::to_owned),
        })
    }

    fn page(&self) -> Result<i64, AppError> {
        super::params::parse_page(self.page.as_deref())
    }
}

/// The query string for this filter (and page), for links that keep the filter.
fn query_string(filter: &OrderFilter, page: Option<i64>) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if let Some(status) = filter.status {
        pairs.push(("status", status.as_str().to_owned()));
    }
    if let Some(payment) = filter.payment {
        pairs.push(("payment", payment.as_str().to_owned()));
    }
    if let Some(q) = &filter.query {
        pairs.push(("q", q.clone()));
    }
    if let Some(page) = page {
        pairs.push(("page", page.to_string()));
    }
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

/// Items per order, from the (order id, line quantity) of their lines.
fn items_per_order(counts: Vec<(i64, i32)>) -> BTreeMap<i64, i64> {
    let mut items: BTreeMap<i64, i64> = BTreeMap::new();
    for (order_id, quantity) in counts {
        *items.entry(order_id).or_default() += i64::from(quantity);
    }
    items
}

/// The chart's figures with their times in the shop's zone, so that days are its days.
fn local_times(placed: Vec<(NaiveDateTime, i64)>, zone: Tz) -> Vec<(NaiveDateTime, i64)> {
    placed
        .into_iter()
        .map(|(at, pence)| (zone.from_utc_datetime(&at).naive_local(), pence))
        .collect()
}

#[derive(Serialize)]
struct Row {
    #[serde(flatten)]
    order: OrderView,
    items: i64,
    /// Paid after its payment expired: flagged for a look before shipping.
    paid_late: bool,
}

/// The list's rows: each order with its number of items and whether it was paid late.
fn rows(orders: Vec<order::Order>, items: &BTreeMap<i64, i64>, late: &[i64], zone: Tz) -> Vec<Row> {
    orders
        .into_iter()
        .map(|order| Row {
            items: items.get(&order.id).copied().unwrap_or(0),
            paid_late: late.contains(&order.id),
            order: OrderView::new(order, zone),
        })
        .collect()
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let filter = params.filter()?;
    let page = params.page()?;
    // The chart's days are the shop's days: a day's margin in UTC, bucketed locally.
    let zone = state.settings.timezone;
    let today = Utc::now().with_timezone(&zone).date_naive();
    let since = chart::since(today) - chrono::Duration::days(1);
    let query_filter = filter.clone();
    let (orders, summary, counts, revenue, late) = state
        .db
        .query(move |conn| {
            let orders = order::list(conn, &query_filter, PAGE_SIZE, (page - 1) * PAGE_SIZE)?;
            let summary = order::summary(conn, &query_filter)?;
            let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
            let counts = order::item_counts(conn, &ids)?;
            let revenue = order::revenue_since(conn, &query_filter, since)?;
            Ok((
                orders,
                summary,
                counts,
                revenue,
                order::paid_late(conn, &ids)?,
            ))
        })
        .await?;
    let rows = rows(orders, &items_per_order(counts), &late, zone);
    let pages = ((summary.orders + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let mut context = tera::Context::new();
    context.insert("orders", &rows);
    context.insert("count", &summary.orders);
    context.insert("revenue_orders", &summary.revenue_orders);
    context.insert("revenue", &summary.revenue);
    context.insert("revenue_rule", OrderStatus::REVENUE_RULE);
    context.insert("page", &page);
    context.insert("pages", &pages);
    context.insert(
        "status",
        &filter.status.map(OrderStatus::as_str).unwrap_or(""),
    );
    context.insert("q", filter.query.as_deref().unwrap_or(""));
    payment::list_context(&mut context, &filter, state.settings.payments.mode);
    context.insert("statuses", &OrderStatus::ALL.map(OrderStatus::as_str));
    context.insert(
        "prev_query",
        &(page > 1).then(|| query_string(&filter, Some(page - 1))),
    );
    context.insert(
        "next_query",
        &(page < pages).then(|| query_string(&filter, Some(page + 1))),
    );
    context.insert("csv_query", &query_string(&filter, None));
    context.insert("chart", &chart::chart(&local_times(revenue, zone), today));
    state.render(&req, StatusCode::OK, "admin/orders.html", context)
}
