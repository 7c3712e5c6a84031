//! GET /admin/baskets: what shoppers have in their live baskets, from the sessions.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::DateTime;
use serde::Serialize;

use crate::db::models::basket_stats::{self, BasketTotals, IdleBasket, TopProduct};
use crate::db::models::unix_now;
use crate::domain::Money;
use crate::routes::views::shown_time;
use crate::web::{AppError, AppState};

/// A basket not changed for this long is idle.
const IDLE_SECS: i64 = 24 * 60 * 60;
const TOP_PRODUCTS: i64 = 10;
const IDLE_LISTED: i64 = 20;

#[derive(Serialize)]
struct TopView {
    name: String,
    baskets: i64,
    units: i64,
}

#[derive(Serialize)]
struct IdleView {
    since: String,
    units: i64,
    value: Money,
}

pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let now = unix_now();
    let ttl = i64::try_from(state.settings.session_ttl.as_secs()).unwrap_or(i64::MAX);
    // A basket changed at `t` expires at `t + ttl`: idle ones expire before this.
    let idle_before = now.saturating_add(ttl).saturating_sub(IDLE_SECS);
    type Stats = (i64, BasketTotals, Vec<TopProduct>, Vec<IdleBasket>);
    let (sessions, totals, top, idle): Stats = state
        .db
        .query(move |conn| {
            Ok((
                basket_stats::live_sessions(conn, now)?,
                basket_stats::totals(conn, now, idle_before)?,
                basket_stats::top_products(conn, now, TOP_PRODUCTS)?,
                basket_stats::idle_baskets(conn, now, idle_before, IDLE_LISTED)?,
            ))
        })
        .await?;
    let top: Vec<TopView> = top
        .into_iter()
        .map(|row| TopView {
            name: row.name,
            baskets: row.baskets,
            units: row.units,
        })
        .collect();
    let idle: Vec<IdleView> = idle
        .into_iter()
        .map(|row| IdleView {
            since: DateTime::from_timestamp(row.expires_at.saturating_sub(ttl), 0)
                .map(|at| shown_time(at.naive_utc(), state.settings.timezone))
                .unwrap_or_default(),
            units: row.units,
            value: Money::from_pence(row.value_pence),
        })
        .collect();
    let mut context = tera::Context::new();
    context.insert("live_sessions", &sessions);
    context.insert("open_baskets", &totals.baskets);
    context.insert("units", &totals.units);
    context.insert("value", &Money::from_pence(totals.value_pence));
    context.insert("idle_count", &totals.idle);
    context.insert("top", &top);
    context.insert("idle", &idle);
    state.render(&req, StatusCode::OK, "admin/baskets.html", context)
}
