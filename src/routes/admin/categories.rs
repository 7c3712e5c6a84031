//! GET/POST /admin/categories (the list, and a new one), GET/POST /admin/categories/{id}
//! (its name and description) and POST /admin/categories/{id}/delete.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::params::parse_id;
use crate::db::models::category::{self, Category};
use crate::domain::FieldErrors;
use crate::web::{AppError, AppState, Flash, Form, NoFields};

const MAX_NAME_CHARS: usize = 60;
const MAX_DESCRIPTION_CHARS: usize = 500;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CategoryFields {
    name: String,
    description: String,
}

impl CategoryFields {
    /// The name and description, trimmed, or the messages.
    fn checked(&self) -> Result<(String, String), FieldErrors> {
        let (name, description) = (self.name.trim(), self.description.trim());
        let mut errors = FieldErrors::new();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            errors.insert(
                "name",
                format!("Please give the category a name of 1 to {MAX_NAME_CHARS} characters."),
            );
        }
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            errors.insert(
                "description",
                format!("The description can be at most {MAX_DESCRIPTION_CHARS} characters."),
            );
        }
        match errors.is_empty() {
            true => Ok((name.to_owned(), description.to_owned())),
            false => Err(errors),
        }
    }
}

/// The list with the new-category form, or one category's form.
async fn render(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    editing: Option<&Category>,
    fields: &CategoryFields,
    errors: &FieldErrors,
) -> Result<HttpResponse, AppError> {
    let mut context = tera::Context::new();
    context.insert("name", &fields.name);
    context.insert("description", &fields.description);
    context.insert("errors", errors);
    let template = match editing {
        Some(found) => {
            context.insert("category", found);
            "admin/category.html"
        }
        None => {
            let all = state.db.query(category::all).await?;
            context.insert("categories", &all);
            "admin/categories.html"
        }
    };
    state.render(req, status, template, context)
}

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let none = CategoryFields::default();
    render(
        &req,
        &state,
        StatusCode::OK,
        None,
        &none,
        &FieldErrors::new(),
    )
    .await
}

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: Form<CategoryFields>,
) -> Result<HttpResponse, AppError> {
    let fields = form.into_inner();
    let (name, description) = match fields.checked() {
        Ok(checked) => checked,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(&req, &state, status, None, &fields, &errors).await;
        }
    };
    let slug = category::slug_of(&name);
    let id = state
        .db
        .query(move |conn| category::create(conn, &name, &slug, &description))
        .await?;
    state.catalogue_copy.invalidate();
    let message = Flash::info("The category is made.");
    Ok(state.redirect_with(&format!("/admin/categories/{id}"), &message))
}

async fn load(state: &AppState, path: &str) -> Result<Category, AppError> {
    let id = parse_id(path)?;
    state
        .db
        .query(move |conn| category::find(conn, id))
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn detail(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let found = load(&state, &path).await?;
    let fields = CategoryFields {
        name: found.name.clone(),
        description: found.description.clone(),
    };
    render(
        &req,
        &state,
        StatusCode::OK,
        Some(&found),
        &fields,
        &FieldErrors::new(),
    )
    .await
}

pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: Form<CategoryFields>,
) -> Result<HttpResponse, AppError> {
    let found = load(&state, &path).await?;
    let fields = form.into_inner();
    let (name, description) = match fields.checked() {
        Ok(checked) => checked,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render(&req, &state, status, Some(&found), &fields, &errors).await;
        }
    };
    let id = found.id;
    let saved = state
        .db
        .query(move |conn| category::update(conn, id, &name, &description))
        .await?;
    if !saved {
        return Err(AppError::NotFound);
    }
    state.catalogue_copy.invalidate();
    Ok(state.redirect_with(&format!("/admin/categories/{id}"), &Flash::info("Saved.")))
}

pub async fn delete(
    state: web::Data<AppState>,
    path: web::Path<String>,
    _button: Form<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let deleted = state
        .db
        .query(move |conn| category::delete(conn, id))
        .await?;
    if !deleted {
        return Err(AppError::NotFound);
    }
    state.catalogue_copy.invalidate();
    let message = Flash::info("The category is deleted; its products stay on sale.");
    Ok(state.redirect_with("/admin/categories", &message))
}
