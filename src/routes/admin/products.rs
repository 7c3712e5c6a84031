//! GET /admin/products (every product), GET /admin/products/new (the form) and
//! GET /admin/products/{id} (the edit form, the stock form, the pictures and the history).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::params::{parse_id, parse_page};
use super::product_form::{render_form, FormPage, ProductRow};
use crate::db::models::product::{self, Product};
use crate::db::models::product_admin;
use crate::web::{AppError, AppState};

const PAGE_SIZE: i64 = 100;

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    page: Option<String>,
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, AppError> {
    let page = parse_page(params.page.as_deref())?;
    let (rows, count) = state
        .db
        .query(move |conn| {
            let rows = product_admin::list(conn, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
            Ok((rows, product_admin::count(conn)?))
        })
        .await?;
    let products: Vec<ProductRow> = rows.into_iter().map(ProductRow::from).collect();
    let mut context = tera::Context::new();
    context.insert("products", &products);
    context.insert("count", &count);
    context.insert("page", &page);
    context.insert("pages", &((count + PAGE_SIZE - 1) / PAGE_SIZE).max(1));
    state.render(&req, StatusCode::OK, "admin/products.html", context)
}

pub async fn new(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    render_form(&req, &state, FormPage::new_product()).await
}

pub async fn load(state: &AppState, id: i64) -> Result<Product, AppError> {
    state
        .db
        .query(move |conn| product::find(conn, id))
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let product = load(&state, parse_id(&path)?).await?;
    render_form(&req, &state, FormPage::stored(&product)).await
}
