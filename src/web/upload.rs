//! A picture upload (`multipart/form-data`): its text fields and one file, each read
//! within a limit, and its CSRF token checked like every form's (403 otherwise).

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;

use super::{csrf, AppError, AppState};

/// The largest text field taken.
const MAX_TEXT_BYTES: usize = 4 * 1024;

/// The most fields an upload may have.
const MAX_FIELDS: usize = 8;

/// An upload's fields, read: its text fields and its file (`file_field`), if any.
#[derive(Debug, Default)]
pub struct Upload {
    pub texts: Vec<(String, String)>,
    pub file: Option<Vec<u8>>,
}

impl Upload {
    pub fn text(&self, name: &str) -> Option<&str> {
        self.texts
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }
}

fn is_multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("multipart/form-data"))
}

/// Reads an upload whose file, in field `file_field`, may have at most `max_file` bytes
/// (413 past it, as soon as it is passed: the rest is not read). Not `multipart/form-data`:
/// 415. A bad CSRF token: 403, once every field is read.
pub async fn read_upload(
    req: &HttpRequest,
    state: &AppState,
    payload: web::Payload,
    file_field: &str,
    max_file: usize,
) -> Result<Upload, AppError> {
    if !is_multipart(req) {
        return Err(AppError::Unsupported(
            "Pictures must be sent as multipart/form-data.".into(),
        ));
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|length| length > max_file + MAX_FIELDS * MAX_TEXT_BYTES) {
        return Err(AppError::PayloadTooLarge);
    }
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut upload = Upload::default();
    let mut fields = 0;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|_| unreadable())?;
        fields += 1;
        if fields > MAX_FIELDS {
            return Err(AppError::BadRequest(
                "That form has too many fields.".into(),
            ));
        }
        let name = field.name().unwrap_or_default().to_owned();
        let limit = if name == file_field {
            max_file
        } else {
            MAX_TEXT_BYTES
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| unreadable())?;
            if bytes.len() + chunk.len() > limit {
                return Err(AppError::PayloadTooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == file_field {
            upload.file = Some(bytes);
        } else {
            let text = String::from_utf8(bytes)
                .map_err(|_| AppError::BadRequest(format!("The field {name} is not UTF-8.")))?;
            upload.texts.push((name, text));
        }
    }
    let expected = csrf::expected(req, &state.cookie_key);
    csrf::check(expected.as_deref(), upload.text(csrf::CSRF_FIELD))?;
    Ok(upload)
}

fn unreadable() -> AppError {
    AppError::BadRequest("The upload could not be read.".into())
}
