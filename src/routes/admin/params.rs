//! What the admin pages take from paths and query strings.

use crate::web::AppError;

/// An id from the path: a positive whole number, or the page does not exist (404).
pub fn parse_id(text: &str) -> Result<i64, AppError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

/// A list's `page`: 1 when absent, otherwise a whole number from 1 (400 if not).
pub fn parse_page(text: Option<&str>) -> Result<i64, AppError> {
    match text.map(str::trim) {
        None | Some("") => Ok(1),
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|page| (1..=1_000_000).contains(page))
            .ok_or_else(|| AppError::BadRequest("page must be a whole number from 1.".into())),
    }
}
