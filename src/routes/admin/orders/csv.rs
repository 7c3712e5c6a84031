//! GET /admin/orders.csv: the orders the list's filter matches, as a spreadsheet reads them.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::{items_per_order, ListParams};
use crate::db::models::order::{self, Order};
use crate::web::{AppError, AppState};

const HEADER: [&str; 9] = [
    "number",
    "placed_at",
    "status",
    "payment",
    "name",
    "email",
    "address",
    "items",
    "total",
];

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
        .query(move |conn| {
            let orders = order::list_all(conn, &filter)?;
            let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
            let counts = ids
                .chunks(500)
                .map(|chunk| order::item_counts(conn, chunk))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((orders, counts.concat::<(i64, i32)>()))
        })
        .await?;
    // The file is named for the shop's day it was taken, so that downloads do not collide.
    let today = chrono::Utc::now().with_timezone(&state.settings.timezone);
    let disposition = format!(
        "attachment; filename=\"trolley-orders-{}.csv\"",
        today.format("%Y-%m-%d")
    );
    let body = write_csv(&orders, &items_per_order(counts)).map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .body(body))
}

/// One row per order, every cell safe from spreadsheet formulas.
fn write_csv(orders: &[Order], items: &BTreeMap<i64, i64>) -> anyhow::Result<Vec<u8>> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER)?;
    for order in orders {
        let record = [
            order.number().to_string(),
            order.created_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            order.status.as_str().to_owned(),
            order.payment_state.as_str().to_owned(),
            order.customer_name.clone(),
            order.customer_email.clone(),
            order.customer_address.clone(),
            items.get(&order.id).copied().unwrap_or(0).to_string(),
            order.total().decimal(),
        ];
        writer.write_record(record.iter().map(|cell| neutralise_formula(cell)))?;
    }
    Ok(writer
        .into_inner()
        .map_err(csv::IntoInnerError::into_error)?)
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
}
