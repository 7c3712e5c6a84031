//! A product's pictures: POST /admin/products/{id}/images (an upload), POST
//! …/images/{image_id}/delete and …/images/{image_id}/first.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Utc;

use super::params::parse_id;
use crate::db::models::picture::{self, Added, ChangedBy, NewVariant, MAX_PICTURES};
use crate::pictures::{Encoded, PictureError, MAX_UPLOAD_BYTES};
use crate::session::AdminIdentity;
use crate::web::{read_upload, AppError, AppState, Flash, Form, NoFields};

/// The longest alternative text taken.
const MAX_ALT_CHARS: usize = 200;

fn alt_text(typed: Option<&str>) -> Result<String, AppError> {
    let alt = typed.unwrap_or_default().trim();
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

pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let product_id = parse_id(&path)?;
    let upload = read_upload(&req, &state, payload, "image", MAX_UPLOAD_BYTES).await?;
    let alt = alt_text(upload.text("alt"))?;
    let bytes = upload
        .file
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
