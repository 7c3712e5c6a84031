//! The orders list (with its chart and CSV export), one order, and status changes.

use std::collections::BTreeMap;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::db::models::order::{self, OrderFilter, Status, StatusChange};
use crate::domain::Money;
use crate::errors::AppError;
use crate::forms::FormData;
use crate::routes::views::{order_number, OrderLineView, OrderView};
use crate::security::CSRF_FIELD;
use crate::session::AdminIdentity;
use crate::startup::AppState;

pub const PAGE_SIZE: i64 = 50;
const CHART_DAYS: i64 = 30;

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    status: Option<String>,
    q: Option<String>,
    page: Option<String>,
}

impl ListParams {
    fn filter(&self) -> Result<OrderFilter, AppError> {
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") | Some("all") => None,
            Some(text) => Some(Status::parse(text).ok_or_else(|| {
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
            query: query.map(str::to_owned),
        })
    }

    fn page(&self) -> Result<i64, AppError> {
        match self.page.as_deref().map(str::trim) {
            None | Some("") => Ok(1),
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|page| (1..=1_000_000).contains(page))
                .ok_or_else(|| AppError::BadRequest("page must be a whole number from 1.".into())),
        }
    }
}

/// The query string for this filter (and page), for links that keep the filter.
fn query_string(filter: &OrderFilter, page: Option<i64>) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if let Some(status) = filter.status {
        pairs.push(("status", status.as_str().to_owned()));
    }
    if let Some(q) = &filter.query {
        pairs.push(("q", q.clone()));
    }
    if let Some(page) = page {
        pairs.push(("page", page.to_string()));
    }
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

#[derive(Serialize)]
struct Row {
    #[serde(flatten)]
    order: OrderView,
    items: i64,
}

#[derive(Serialize)]
struct ChartDay {
    label: String,
    orders: i64,
    revenue: Money,
    x: f64,
    bar_y: f64,
    bar_height: f64,
}

#[derive(Serialize)]
struct Chart {
    days: Vec<ChartDay>,
    revenue_points: String,
    max_orders: i64,
    max_revenue: Money,
    total_orders: i64,
    total_revenue: Money,
    width: f64,
    height: f64,
    bar_width: f64,
}

/// Orders and revenue per day for the last 30 days, laid out as an SVG chart: bars for
/// orders, a line for revenue, each on its own scale.
fn chart(placed: &[(chrono::NaiveDateTime, i64)], today: NaiveDate) -> Chart {
    const WIDTH: f64 = 720.0;
    const HEIGHT: f64 = 160.0;
    let first = today - Duration::days(CHART_DAYS - 1);
    let mut per_day: BTreeMap<NaiveDate, (i64, i64)> = (0..CHART_DAYS)
        .map(|offset| (first + Duration::days(offset), (0, 0)))
        .collect();
    for (at, pence) in placed {
        if let Some(day) = per_day.get_mut(&at.date()) {
            day.0 += 1;
            day.1 += pence;
        }
    }
    let max_orders = per_day.values().map(|d| d.0).max().unwrap_or(0).max(1);
    let max_revenue = per_day.values().map(|d| d.1).max().unwrap_or(0).max(1);
    let step = WIDTH / CHART_DAYS as f64;
    let mut points = Vec::new();
    let days: Vec<ChartDay> = per_day
        .iter()
        .enumerate()
        .map(|(i, (date, (orders, pence)))| {
            let x = i as f64 * step;
            let bar_height = (*orders as f64 / max_orders as f64 * (HEIGHT - 10.0)).round();
            let revenue_y = HEIGHT - (*pence as f64 / max_revenue as f64 * (HEIGHT - 10.0));
            points.push(format!("{:.1},{:.1}", x + step / 2.0, revenue_y));
            ChartDay {
                label: date.format("%-d %b").to_string(),
                orders: *orders,
                revenue: Money::from_pence(*pence),
                x,
                bar_y: HEIGHT - bar_height,
                bar_height,
            }
        })
        .collect();
    Chart {
        total_orders: days.iter().map(|d| d.orders).sum(),
        total_revenue: days.iter().map(|d| d.revenue).sum(),
        days,
        revenue_points: points.join(" "),
        max_orders,
        max_revenue: Money::from_pence(max_revenue),
        width: WIDTH,
        height: HEIGHT,
        bar_width: (step - 4.0).max(1.0),
    }
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let filter = params.filter()?;
    let page = params.page()?;
    let today = Utc::now().date_naive();
    let since = (today - Duration::days(CHART_DAYS - 1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let query_filter = filter.clone();
    let (orders, (count, total), counts, placed) = state
        .db
        .run(move |conn| {
            let orders = order::list(conn, &query_filter, PAGE_SIZE, (page - 1) * PAGE_SIZE)?;
            let summary = order::summary(conn, &query_filter)?;
            let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
            let counts = order::item_counts(conn, &ids)?;
            let placed = order::placed_since(conn, since)?;
            Ok::<_, AppError>((orders, summary, counts, placed))
        })
        .await?;
    let mut items: BTreeMap<i64, i64> = BTreeMap::new();
    for (order_id, quantity) in counts {
        *items.entry(order_id).or_default() += i64::from(quantity);
    }
    let rows: Vec<Row> = orders
        .into_iter()
        .map(|order| Row {
            items: items.get(&order.id).copied().unwrap_or(0),
            order: OrderView::from(order),
        })
        .collect();
    let pages = ((count + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let mut context = tera::Context::new();
    context.insert("admin", &admin.username);
    context.insert("orders", &rows);
    context.insert("count", &count);
    context.insert("total", &Money::from_pence(total));
    context.insert("page", &page);
    context.insert("pages", &pages);
    context.insert("status", &filter.status.map(Status::as_str).unwrap_or(""));
    context.insert("q", filter.query.as_deref().unwrap_or(""));
    context.insert("statuses", &Status::ALL.map(Status::as_str));
    context.insert(
        "prev_query",
        &(page > 1).then(|| query_string(&filter, Some(page - 1))),
    );
    context.insert(
        "next_query",
        &(page < pages).then(|| query_string(&filter, Some(page + 1))),
    );
    context.insert("csv_query", &query_string(&filter, None));
    context.insert("chart", &chart(&placed, today));
    state.render(&req, StatusCode::OK, "admin/orders.html", context)
}

/// A cell a spreadsheet would read as a formula gets a leading apostrophe.
fn neutralise_formula(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

pub async fn csv(
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let filter = params.filter()?;
    let (orders, counts) = state
        .db
        .run(move |conn| {
            let orders = order::list_all(conn, &filter)?;
            let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
            let counts = ids
                .chunks(500)
                .map(|chunk| order::item_counts(conn, chunk))
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, AppError>((orders, counts.concat()))
        })
        .await?;
    let mut items: BTreeMap<i64, i64> = BTreeMap::new();
    for (order_id, quantity) in counts {
        *items.entry(order_id).or_default() += i64::from(quantity);
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "number",
        "placed_at",
        "status",
        "name",
        "email",
        "address",
        "items",
        "total",
    ];
    writer.write_record(header).map_err(AppError::internal)?;
    for order in &orders {
        let total = Money::from_pence(order.total_pence);
        let record = [
            order_number(order.id),
            order.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            order.status.clone(),
            order.customer_name.clone(),
            order.customer_email.clone(),
            order.customer_address.clone(),
            items.get(&order.id).copied().unwrap_or(0).to_string(),
            format!("{}.{:02}", total.pence() / 100, total.pence() % 100),
        ];
        writer
            .write_record(record.iter().map(|cell| neutralise_formula(cell)))
            .map_err(AppError::internal)?;
    }
    let body = writer.into_inner().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"orders.csv\"",
        ))
        .body(body))
}

fn parse_id(text: &str) -> Result<i64, AppError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
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
    let can_change = Status::parse(&found.status) == Some(Status::Placed);
    let events: Vec<BTreeMap<&str, String>> = events
        .into_iter()
        .map(|event| {
            BTreeMap::from([
                ("from", event.from_status),
                ("to", event.to_status),
                ("by", event.admin_username),
                (
                    "at",
                    event.created_at.format("%-d %B %Y, %H:%M UTC").to_string(),
                ),
            ])
        })
        .collect();
    let lines: Vec<OrderLineView> = lines.into_iter().map(OrderLineView::from).collect();
    let mut context = tera::Context::new();
    context.insert("admin", &admin.username);
    context.insert("order", &OrderView::from(found));
    context.insert("lines", &lines);
    context.insert("events", &events);
    context.insert("can_change", &can_change);
    state.render(&req, StatusCode::OK, "admin/order.html", context)
}

pub async fn change_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
    path: web::Path<String>,
    form: FormData,
) -> Result<HttpResponse, AppError> {
    state.verify_csrf(&req, form.get(CSRF_FIELD))?;
    let id = parse_id(&path)?;
    let next = Status::parse(form.require("status")?.trim()).ok_or_else(|| {
        AppError::BadRequest("status must be placed, shipped or cancelled.".into())
    })?;
    let username = admin.username.clone();
    let now = Utc::now().naive_utc();
    let change = state
        .db
        .run(move |conn| Ok::<_, AppError>(order::change_status(conn, id, next, &username, now)?))
        .await?;
    let number = order_number(id);
    match change {
        StatusChange::Changed => {
            if next == Status::Cancelled {
                state.catalogue.invalidate();
            }
            log::info!(
                "admin {:?} marked order {number} {}",
                admin.username,
                next.as_str()
            );
            let message = match next {
                Status::Cancelled => format!("Order {number} is cancelled and its stock put back."),
                _ => format!("Order {number} is marked {}.", next.as_str()),
            };
            Ok(state.redirect_with(
                &format!("/admin/orders/{id}"),
                &crate::flash::Flash::info(message),
            ))
        }
        StatusChange::NotFound => Err(AppError::NotFound),
        StatusChange::Refused { current } => Err(AppError::Conflict(format!(
            "Order {number} is {current}: only a placed order can be shipped or cancelled."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for cell in ["=1+1", "+44", "-2", "@SUM(A1)", "\tx"] {
            assert!(neutralise_formula(cell).starts_with('\''), "{cell:?}");
        }
        assert_eq!(neutralise_formula("Ada"), "Ada");
    }

    #[test]
    fn the_chart_has_thirty_days_with_today_last() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
        let at = today.and_hms_opt(10, 0, 0).expect("time");
        let old = (today - Duration::days(40))
            .and_hms_opt(10, 0, 0)
            .expect("time");
        let chart = chart(&[(at, 1250), (at, 750), (old, 999)], today);
        assert_eq!(chart.days.len(), 30);
        let last = chart.days.last().expect("a day");
        assert_eq!(last.label, "25 Nov");
        assert_eq!(last.orders, 2);
        assert_eq!(last.revenue, Money::from_pence(2000));
        assert_eq!(chart.total_orders, 2, "the old order is outside the chart");
    }
}
