//! A product's admin page, as every answer about it draws it: the new-product form, or a
//! product's edit form, stock form, pictures and history, with the values and messages of
//! whichever of its forms was refused.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::db::models::category;
use crate::db::models::product::Product;
use crate::db::models::product_history::{self, HistoryEntry};
use crate::domain::{gallery_from_stored, FieldErrors, Money};
use crate::routes::views::{shown_time, PictureView};
use crate::web::{AppError, AppState};

/// A product as the admin's list and its page show it.
#[derive(Serialize)]
pub struct ProductRow {
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

/// What the product page shows: the values (as typed, or as stored) and the messages.
pub struct FormPage<'a> {
    pub status: StatusCode,
    pub product: Option<&'a Product>,
    pub values: BTreeMap<&'static str, String>,
    /// Messages by field, of any of the page's forms (no two of them share a field name).
    pub errors: FieldErrors,
    /// The categories ticked as the form was sent; `None`: as stored.
    pub ticked: Option<Vec<i64>>,
    /// What the error summary says before its list (why a whole form was refused).
    pub lead: Option<String>,
}

impl<'a> FormPage<'a> {
    pub fn new_product() -> Self {
        Self {
            status: StatusCode::OK,
            product: None,
            values: BTreeMap::from([("active", "on".to_owned()), ("stock", "0".to_owned())]),
            errors: FieldErrors::new(),
            ticked: None,
            lead: None,
        }
    }

    /// A product's page with its values as stored.
    pub fn stored(product: &'a Product) -> Self {
        Self {
            values: stored_values(product),
            product: Some(product),
            ..Self::new_product()
        }
    }

    /// A product's page answering a refused form with `status`: the message at `field`,
    /// what was typed there kept (a file input cannot be filled again).
    pub fn refused(
        product: &'a Product,
        status: StatusCode,
        (field, message): (&'static str, String),
        typed: Option<String>,
    ) -> Self {
        let mut page = Self::stored(product);
        page.status = status;
        page.errors.insert(field, message);
        if let Some(typed) = typed {
            page.values.insert(field, typed);
        }
        page
    }
}

fn stored_values(product: &Product) -> BTreeMap<&'static str, String> {
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
    let id = page.product.map(|product| product.id);
    let (categories, stored_ticks, history) = state
        .db
        .query(move |conn| {
            let (ticked, history) = match id {
                Some(id) => (
                    category::of_product(conn, id)?,
                    product_history::history(conn, id)?,
                ),
                None => (Vec::new(), Vec::new()),
            };
            Ok((category::all(conn)?, ticked, history))
        })
        .await?;
    let mut context = tera::Context::new();
    context.insert("categories", &categories);
    context.insert("ticked", &page.ticked.unwrap_or(stored_ticks));
    if let Some(product) = page.product {
        let zone = state.settings.timezone;
        let history: Vec<HistoryView> = history
            .into_iter()
            .map(|entry: HistoryEntry| HistoryView {
                admin: entry.admin_username,
                change: entry.change,
                at: shown_time(entry.created_at, zone),
            })
            .collect();
        context.insert("product", &ProductRow::from(product.clone()));
        context.insert("history", &history);
    }
    context.insert("values", &page.values);
    context.insert("errors", &page.errors);
    context.insert("lead", &page.lead);
    state.render(req, page.status, "admin/product.html", context)
}
