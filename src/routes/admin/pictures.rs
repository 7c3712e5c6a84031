//! A product's pictures: POST /admin/products/{id}/images (an upload), POST
//! …/images/{image_id}/delete and …/images/{image_id}/first.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use chrono::Utc;

use super::params::parse_id;
use super::product_form::{render_form, FormPage};
use super::products::load;
use crate::db::models::picture::{self, Added, ChangedBy, NewVariant, MAX_PICTURES};
use crate::pictures::{Encoded, PictureError, MAX_UPLOAD_BYTES};
use crate::session::AdminIdentity;
use crate::web::{read_upload, AppError, AppState, Flash, Form, NoFields};

/// The longest alternative text taken.
const MAX_ALT_CHARS: usize = 200;

fn alt_text(typed: &str) -> Result<String, AppError> {
    let alt = typed.trim();
    if alt.is_empty() {
        return Err(AppError::Unprocessable(
            "Please describe the picture for people who cannot see it (its alternative text)."
                .into(),
        ));
    }
    if alt.chars().count() > MAX_ALT_CHARS || alt.chars().any(char::is_control) {
        return Err(AppError::Unprocessable(format!(
            "The alternative text can be at most {MAX_ALT_CHARS} printable characters."
        )));
    }
    Ok(alt.to_owned())
}

impl From<PictureError> for AppError {
    fn from(error: PictureError) -> Self {
        match error {
            PictureError::NotAPicture => Self::Unsupported(error.to_string()),
            PictureError::Unreadable | PictureError::TooManyPixels { .. } => {
                Self::Unprocessable(error.to_string())
            }
            PictureError::Busy => Self::Unavailable,
            other => Self::internal(other),
        }
    }
}

fn full() -> AppError {
    AppError::Conflict(format!(
        "A product has at most {MAX_PICTURES} pictures: remove one before adding another."
    ))
}

/// An upload. A refusal of the upload itself (too large, not a picture, unreadable, no
/// alternative text, no room) answers with the product's page, the message at its field;
/// any other (403, 404, 503) as every error is answered.
pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let product_id = parse_id(&path)?;
    let refused = |error, field, alt| refused(&req, &state, product_id, error, (field, alt));
    let upload = match read_upload(&req, &state, payload, "image", MAX_UPLOAD_BYTES).await {
        Ok(upload) => upload,
        Err(error) => return refused(error, "image", None).await,
    };
    let typed = upload.text("alt").unwrap_or_default().to_owned();
    let alt = match alt_text(&typed) {
        Ok(alt) => alt,
        Err(error) => return refused(error, "alt", Some(typed)).await,
    };
    match keep(&state, &admin, product_id, alt, upload.file).await {
        Ok(response) => Ok(response),
        Err(error) => refused(error, "image", Some(typed)).await,
    }
}

/// Decodes, re-encodes and keeps a picture, if the product has room for one more.
async fn keep(
    state: &AppState,
    admin: &AdminIdentity,
    product_id: i64,
    alt: String,
    file: Option<Vec<u8>>,
) -> Result<HttpResponse, AppError> {
    let bytes = file
        .filter(|bytes| !bytes.is_empty())
        .ok_or_else(|| AppError::Unprocessable("Please choose a picture to upload.".into()))?;
    let held = state
        .db
        .query(move |conn| picture::count(conn, product_id))
        .await?;
    if held >= MAX_PICTURES {
        return Err(full());
    }
    let variants = state.pictures.prepare(bytes).await?;
    let username = admin.username.clone();
    let added = state
        .db
        .query(move |conn| {
            let new: Vec<NewVariant<'_>> = variants.iter().map(Encoded::to_keep).collect();
            let by = ChangedBy {
                admin: &username,
                now: Utc::now().naive_utc(),
            };
            picture::add(conn, product_id, &alt, &new, by)
        })
        .await?;
    match added {
        Added::Added(_) => {
            state.catalogue_copy.invalidate();
            let to = format!("/admin/products/{product_id}#pictures");
            Ok(state.redirect_with(&to, &Flash::info("The picture is added.")))
        }
        Added::Full => Err(full()),
        Added::NoSuchProduct => Err(AppError::NotFound),
    }
}

/// The product's page for an upload refused with `error`, its message at `field` and the
/// alternative text typed kept; an error that is not the upload's own, as it is.
async fn refused(
    req: &HttpRequest,
    state: &AppState,
    product_id: i64,
    error: AppError,
    (field, alt): (&'static str, Option<String>),
) -> Result<HttpResponse, AppError> {
    let status = error.status_code();
    let the_uploads_own = [
        StatusCode::PAYLOAD_TOO_LARGE,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        StatusCode::UNPROCESSABLE_ENTITY,
        StatusCode::CONFLICT,
    ];
    if !the_uploads_own.contains(&status) {
        return Err(error);
    }
    let product = load(state, product_id).await?;
    let mut page = FormPage::refused(&product, status, (field, error.to_string()), None);
    if let Some(alt) = alt {
        page.values.insert("alt", alt);
    }
    render_form(req, state, page).await
}

/// What a picture's button does.
#[derive(Debug, Clone, Copy)]
enum Change {
    Delete,
    First,
}

async fn change(
    state: &AppState,
    admin: &AdminIdentity,
    path: &(String, String),
    change: Change,
) -> Result<HttpResponse, AppError> {
    let (product_id, image_id) = (parse_id(&path.0)?, parse_id(&path.1)?);
    let username = admin.username.clone();
    let done = state
        .db
        .query(move |conn| {
            let by = ChangedBy {
                admin: &username,
                now: Utc::now().naive_utc(),
            };
            match change {
                Change::Delete => picture::remove(conn, product_id, image_id, by),
                Change::First => {
                    Ok(picture::make_first(conn, product_id, image_id, by)?.then(Vec::new))
                }
            }
        })
        .await?;
    // This instance stops serving a removed picture at once; another serves it from its
    // memory until it is pushed out (its name is never given again).
    for name in done.ok_or(AppError::NotFound)? {
        state.media_cache.forget(&name);
    }
    state.catalogue_copy.invalidate();
    let message = match change {
        Change::Delete => "The picture is removed.",
        Change::First => "That picture is the main one now.",
    };
    let to = format!("/admin/products/{product_id}#pictures");
    Ok(state.redirect_with(&to, &Flash::info(message)))
}

pub async fn delete(
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
    path: web::Path<(String, String)>,
    _button: Form<NoFields>,
) -> Result<HttpResponse, AppError> {
    change(&state, &admin, &path, Change::Delete).await
}

pub async fn first(
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
    path: web::Path<(String, String)>,
    _button: Form<NoFields>,
) -> Result<HttpResponse, AppError> {
    change(&state, &admin, &path, Change::First).await
}
