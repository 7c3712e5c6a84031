//! The orders list's chart: orders and revenue per day for the last 30 days.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::domain::Money;

pub const CHART_DAYS: i64 = 30;

/// The first moment the chart shows, for a chart ending `today`.
pub fn since(today: NaiveDate) -> NaiveDateTime {
    (today - Duration::days(CHART_DAYS - 1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
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
pub struct Chart {
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
pub fn chart(placed: &[(NaiveDateTime, i64)], today: NaiveDate) -> Chart {
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

#[cfg(test)]
mod tests {
    use super::*;

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
