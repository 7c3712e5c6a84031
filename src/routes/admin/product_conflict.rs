//! A stale save: POST /admin/products/{id} from a form older than the product. Nothing is
//! saved (409), and the product's page comes back with what the admin typed, beside each
//! field someone else changed since what it is now, who changed it and when (from the
//! product's history), and the product's current version, so that saving again, having
//! looked, overwrites their change on purpose.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};

use super::product_form::{render_form, FormPage};
use crate::db::models::category;
use crate::db::models::product::{self, Product};
use crate::db::models::product_history::{self, field, FieldChange};
use crate::domain::{FieldErrors, Money};
use crate::routes::views::shown_time;
use crate::web::{AppError, AppState};

const LEAD: &str = "Someone else saved this product after you opened it, so nothing was \
                    saved. What you typed is still in the form, and beside each field they \
                    changed is what it is now. Save again to keep yours.";

/// The edit form as it was sent: its values, its version and the categories ticked.
pub struct SentForm {
    pub values: BTreeMap<&'static str, String>,
    pub version: i64,
    pub ticked: Vec<i64>,
}

/// The product's page for a save refused as stale (see the module's comment).
pub async fn stale_page(
    req: &HttpRequest,
    state: &AppState,
    id: i64,
    sent: SentForm,
) -> Result<HttpResponse, AppError> {
    let since = sent.version;
    let found = state
        .db
        .query(move |conn| {
            let Some(product) = product::find(conn, id)? else {
                return Ok(None);
            };
            let changes = product_history::changes_since(conn, id, since)?;
            let ticked = category::of_product(conn, id)?;
            let names: Vec<String> = category::all(conn)?
                .into_iter()
                .filter(|category| ticked.contains(&category.id))
                .map(|category| category.name)
                .collect();
            Ok(Some((product, changes, names)))
        })
        .await?;
    let (product, changes, categories) = found.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::new();
    for change in &changes {
        let at = shown_time(change.at, state.settings.timezone);
        if let Some((name, message)) = what_changed(change, &product, &categories, &at) {
            errors.insert(name, message);
        }
    }
    let mut values = sent.values;
    values.insert("version", product.version.to_string());
    let page = FormPage {
        status: StatusCode::CONFLICT,
        product: Some(&product),
        values,
        errors,
        ticked: Some(sent.ticked),
        lead: Some(LEAD.to_owned()),
    };
    render_form(req, state, page).await
}

/// The field a change was to, and what it is now, who changed it and when, in words.
fn what_changed(
    change: &FieldChange,
    now: &Product,
    categories: &[String],
    at: &str,
) -> Option<(&'static str, String)> {
    let who = &change.admin;
    Some(match change.field.as_str() {
        field::NAME => (
            field::NAME,
            format!("{who} changed the name to “{}” at {at}.", now.name),
        ),
        field::DESCRIPTION if now.description.is_empty() => (
            field::DESCRIPTION,
            format!("{who} emptied the description at {at}."),
        ),
        field::DESCRIPTION => (
            field::DESCRIPTION,
            format!(
                "{who} changed the description at {at}; it reads now: “{}”",
                now.description
            ),
        ),
        field::PRICE => (
            field::PRICE,
            format!(
                "{who} changed the price to {} at {at}.",
                Money::from_pence(now.price_pence)
            ),
        ),
        field::ACTIVE => (
            field::ACTIVE,
            match now.active {
                true => format!("{who} put it on sale at {at}."),
                false => format!("{who} took it off sale at {at}."),
            },
        ),
        field::CATEGORIES => (
            field::CATEGORIES,
            match categories {
                [] => format!("{who} took it out of every category at {at}."),
                names => format!(
                    "{who} changed its categories at {at}: it is in {} now.",
                    names.join(", ")
                ),
            },
        ),
        _ => return None,
    })
}
