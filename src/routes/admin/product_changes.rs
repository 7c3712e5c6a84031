//! POST /admin/products (create), POST /admin/products/{id} (save, refused when stale)
//! and POST /admin/products/{id}/stock (a signed change, applied atomically).

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;
use serde::Deserialize;

use super::params::parse_id;
use super::product_conflict::{stale_page, SentForm};
use super::product_form::{render_form, FormPage};
use super::products::load;
use crate::db::models::product_admin::{self, Edit, Saved, StockOutcome};
use crate::domain::{ProductDraft, StockChange, MAX_STOCK};
use crate::session::AdminIdentity;
use crate::web::{AppError, AppState, Flash, Form};

/// The product form's fields, as typed. An unticked checkbox sends nothing.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProductFields {
    name: String,
    description: String,
    price: String,
    stock: String,
    active: Option<String>,
    version: Option<String>,
    /// The categories ticked (repeated).
    category_ids: Vec<String>,
}

impl ProductFields {
    /// The version the form was shown at (a stale one is refused).
    fn version(&self) -> Result<i64, AppError> {
        self.version
            .as_deref()
            .and_then(|text| text.trim().parse::<i64>().ok())
            .ok_or_else(|| {
                AppError::BadRequest("The field version is missing or not a number.".into())
            })
    }

    /// The categories ticked, as ids; one that is not a number is a bad request.
    fn categories(&self) -> Result<Vec<i64>, AppError> {
        self.category_ids
            .iter()
            .map(|id| {
                id.trim().parse::<i64>().map_err(|_| {
                    AppError::BadRequest("A category_ids value is not a number.".into())
                })
            })
            .collect()
    }

    fn active(&self) -> bool {
        self.active.is_some()
    }

    fn typed(&self) -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("name", self.name.clone()),
            ("description", self.description.clone()),
            ("price", self.price.clone()),
            ("stock", self.stock.clone()),
            ("active", if self.active() { "on" } else { "" }.to_owned()),
            ("version", self.version.clone().unwrap_or_default()),
        ])
    }
}

fn location(id: i64) -> String {
    format!("/admin/products/{id}")
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
    form: Form<ProductFields>,
) -> Result<HttpResponse, AppError> {
    let fields = form.into_inner();
    let categories = fields.categories()?;
    let parsed = ProductDraft::parse_new(
        &fields.name,
        &fields.description,
        &fields.price,
        &fields.stock,
        fields.active(),
    );
    let (draft, stock) = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => {
            let page = FormPage {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                values: fields.typed(),
                errors,
                ticked: Some(categories),
                ..FormPage::new_product()
            };
            return render_form(&req, &state, page).await;
        }
    };
    let username = admin.username.clone();
    let name = draft.name.clone();
    let id = state
        .db
        .query(move |conn| {
            let edit = Edit {
                admin: &username,
                now: Utc::now().naive_utc(),
                categories: &categories,
            };
            product_admin::create(conn, &draft, stock, edit)
        })
        .await?;
    state.catalogue_copy.invalidate();
    log::info!("admin {:?} created product {id}", admin.username);
    Ok(state.redirect_with(&location(id), &Flash::info(format!("Created “{name}”."))))
}

pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
    form: Form<ProductFields>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let fields = form.into_inner();
    let categories = fields.categories()?;
    let version = fields.version()?;
    let draft = ProductDraft::parse(
        &fields.name,
        &fields.description,
        &fields.price,
        fields.active(),
    );
    let draft = match draft {
        Ok(draft) => draft,
        Err(errors) => {
            let product = load(&state, id).await?;
            let page = FormPage {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                values: fields.typed(),
                errors,
                ticked: Some(categories),
                ..FormPage::stored(&product)
            };
            return render_form(&req, &state, page).await;
        }
    };
    let (username, ticked) = (admin.username.clone(), categories.clone());
    let saved = state
        .db
        .query(move |conn| {
            let edit = Edit {
                admin: &username,
                now: Utc::now().naive_utc(),
                categories: &ticked,
            };
            product_admin::save(conn, id, version, &draft, edit)
        })
        .await?;
    match saved {
        Saved::Saved => {
            state.catalogue_copy.invalidate();
            Ok(state.redirect_with(&location(id), &Flash::info("Saved.")))
        }
        Saved::Stale => {
            let sent = SentForm {
                values: fields.typed(),
                version,
                ticked: categories,
            };
            stale_page(&req, &state, id, sent).await
        }
        Saved::NotFound => Err(AppError::NotFound),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StockFields {
    change: String,
}

pub async fn change_stock(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
    form: Form<StockFields>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let typed = form.into_inner().change;
    let change = match StockChange::parse(&typed) {
        Ok(change) => change,
        Err(message) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return refused_change(&req, &state, id, status, message, typed).await;
        }
    };
    let username = admin.username.clone();
    let outcome = state
        .db
        .query(move |conn| {
            let now = Utc::now().naive_utc();
            product_admin::change_stock(conn, id, change, &username, now)
        })
        .await?;
    match outcome {
        StockOutcome::Changed { stock } => {
            state.catalogue_copy.invalidate();
            let message = format!("Stock changed by {change}: {stock} in stock now.");
            Ok(state.redirect_with(&location(id), &Flash::info(message)))
        }
        StockOutcome::OutOfRange { stock } => {
            let message = if change.get() < 0 {
                format!("A change of {change} would take the stock ({stock} now) below 0, so nothing changed.")
            } else {
                format!(
                    "A change of {change} would take the stock ({stock} now) above {MAX_STOCK}, \
                     the most an admin can stock, so nothing changed."
                )
            };
            let status = StatusCode::CONFLICT;
            refused_change(&req, &state, id, status, message, typed).await
        }
        StockOutcome::NotFound => Err(AppError::NotFound),
    }
}

/// The product's page answering a stock change refused with `status`: the message at
/// the field, the change typed kept.
async fn refused_change(
    req: &HttpRequest,
    state: &AppState,
    id: i64,
    status: StatusCode,
    message: String,
    typed: String,
) -> Result<HttpResponse, AppError> {
    let product = load(state, id).await?;
    let page = FormPage::refused(&product, status, ("change", message), Some(typed));
    render_form(req, state, page).await
}
