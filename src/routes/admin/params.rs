//! What the admin pages take from paths and query strings.

use crate::web::{AppError, PageNumber};

/// An id from the path: a positive whole number, or the page does not exist (404).
pub fn parse_id(text: &str) -> Result<i64, AppError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

/// A list's `page` (see [`PageNumber`]), as a number.
pub fn parse_page(text: Option<&str>) -> Result<i64, AppError> {
    PageNumber::parse(text).map(PageNumber::get)
}
