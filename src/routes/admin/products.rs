//! GET /admin/products (every product), GET /admin/products/new (the form) and
//! GET /admin/products/{id} (the edit form, the stock form and the history).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::params::{parse_id, parse_page};
use crate::db::models::category;
use crate::db::models::product::{self, Product};
use crate::db::models::product_admin::{self, HistoryEntry};
use crate::domain::{gallery_from_stored, FieldErrors, Money};
use crate::routes::views::{shown_time, PictureView};
use crate::web::{AppError, AppState};

const PAGE_SIZE: i64 = 100;

#[derive(Serialize)]
struct ProductRow {
    id: i64,
    name: String,
    price: Money,
    stock: i32,
    active: bool,
    pictures: Vec<PictureView>,
}

impl From<Product> for ProductRow {
    fn from(product: Product) -> Self {
        Self {
            pictures: gallery_from_stored(product.pictures.as_deref())
                .into_iter()
                .map(PictureView::from)
                .collect(),
            id: product.id,
            price: Money::from_pence(product.price_pence),
            stock: product.stock,
            active: product.active,
            name: product.name,
        }
    }
}

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

/// What the product form shows: the values (as typed, or as stored) and the messages.
pub struct FormPage<'a> {
    pub status: StatusCode,
    pub product: Option<&'a Product>,
    pub values: BTreeMap<&'static str, String>,
    pub errors: FieldErrors,
    pub stock_errors: FieldErrors,
}

impl FormPage<'_> {
    pub fn new_product() -> Self {
        Self {
            status: StatusCode::OK,
            product: None,
            values: BTreeMap::from([("active", "on".to_owned()), ("stock", "0".to_owned())]),
            errors: FieldErrors::new(),
            stock_errors: FieldErrors::new(),
        }
    }
}

pub fn stored_values(product: &Product) -> BTreeMap<&'static str, String> {
    let active = if product.active { "on" } else { "" };
    BTreeMap::from([
        ("name", product.name.clone()),
        ("description", product.description.clone()),
        ("price", Money::from_pence(product.price_pence).decimal()),
        ("active", active.to_owned()),
        ("version", product.version.to_string()),
    ])
}

#[derive(Serialize)]
struct HistoryView {
    admin: String,
    change: String,
    at: String,
}

/// Renders the new-product form, or a product's page with its history.
pub async fn render_form(
    req: &HttpRequest,
    state: &AppState,
    page: FormPage<'_>,
) -> Result<HttpResponse, AppError> {
    let mut context = tera::Context::new();
    let id = page.product.map(|product| product.id);
    let (categories, ticked) = state
        .db
        .query(move |conn| {
            let ticked = match id {
                Some(id) => category::of_product(conn, id)?,
                None => Vec::new(),
            };
            Ok((category::all(conn)?, ticked))
        })
        .await?;
    context.insert("categories", &categories);
    context.insert("ticked", &ticked);
    if let Some(product) = page.product {
        let id = product.id;
        let history: Vec<HistoryEntry> = state
            .db
            .query(move |conn| product_admin::history(conn, id))
            .await?;
        let history: Vec<HistoryView> = history
            .into_iter()
            .map(|entry| HistoryView {
                admin: entry.admin_username,
                change: entry.change,
                at: shown_time(entry.created_at, state.settings.timezone),
            })
            .collect();
        context.insert("product", &ProductRow::from(product.clone()));
        context.insert("history", &history);
    }
    context.insert("values", &page.values);
    context.insert("errors", &page.errors);
    context.insert("stock_errors", &page.stock_errors);
    state.render(req, page.status, "admin/product.html", context)
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
    let page = FormPage {
        values: stored_values(&product),
        product: Some(&product),
        ..FormPage::new_product()
    };
    render_form(&req, &state, page).await
}
