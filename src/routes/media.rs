//! GET /media/{name}: a stored picture, by every instance, from the database (and then
//! from this instance's memory). A name changes whenever its bytes do, so the answer may
//! be cached for good; its ETag is the name.

use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::db::models::picture;
use crate::web::{AppError, AppState, CachedMedia};

const FOREVER: &str = "public, max-age=31536000, immutable";

/// A name Trolley could have given: lower-case hex, a width, an extension.
fn plausible(name: &str) -> bool {
    name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
}

pub async fn serve(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let name = path.into_inner();
    if !plausible(&name) {
        return Err(AppError::NotFound);
    }
    let etag = format!("\"{name}\"");
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let media = match state.media_cache.get(&name) {
        Some(media) => media,
        None => {
            let wanted = name.clone();
            let found = state
                .db
                .query(move |conn| picture::media(conn, &wanted))
                .await?
                .ok_or(AppError::NotFound)?;
            let media = Arc::new(CachedMedia {
                content_type: found.content_type,
                bytes: found.bytes.into(),
            });
            state.media_cache.put(&name, Arc::clone(&media));
            media
        }
    };
    let mut response = if matches {
        HttpResponse::build(StatusCode::NOT_MODIFIED).finish()
    } else {
        HttpResponse::Ok()
            .content_type(media.content_type.as_str())
            .body(media.bytes.clone())
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(FOREVER));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    Ok(response)
}
