//! The one rule for text that enters from outside: no control characters. A NUL byte,
//! an escape or a backspace has no place in a name, an address or a search, and some
//! cannot even be stored (PostgreSQL refuses NUL in text; SQLite's `LIKE` stops at it).
//! Forms may hold line breaks and tabs (an address, a description); addresses (the path
//! and the query) may not.
//!
//! Every text that enters passes one of two checks: [`refuse_in_address`], a middleware
//! in front of every route (400), and the form parser (`FormData::parse`, 422).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::ResponseError;
use percent_encoding::percent_decode_str;

use super::errors::AppError;

/// Whether `text` holds a control character; with `line_breaks`, tab, line feed and
/// carriage return are allowed.
pub fn has_control_character(text: &str, line_breaks: bool) -> bool {
    text.chars()
        .any(|c| c.is_control() && !(line_breaks && matches!(c, '\t' | '\n' | '\r')))
}

/// Whether a percent-encoded part of a URL decodes to a control character.
fn encoded_has_control_character(raw: &str) -> bool {
    has_control_character(&percent_decode_str(raw).decode_utf8_lossy(), false)
}

/// Middleware: a path or query with a control character, written or percent-encoded,
/// is answered 400 before any route, session or database sees it.
pub async fn refuse_in_address(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let uri = req.uri();
    let (in_path, in_query) = (
        encoded_has_control_character(uri.path()),
        uri.query().is_some_and(encoded_has_control_character),
    );
    if in_path || in_query {
        let error = AppError::BadRequest(format!(
            "The {} has a control character (such as a NUL byte) in it, which is not accepted.",
            if in_path {
                "page address"
            } else {
                "search or filter"
            }
        ));
        return Ok(req.into_response(error.error_response()));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_and_line_breaks_allowed_only_in_forms() {
        assert!(has_control_character("a\0b", true));
        assert!(has_control_character("a\u{1b}[31m", true));
        assert!(has_control_character("a\u{7f}", true));
        assert!(has_control_character("a\u{85}", true), "C1 controls too");
        assert!(!has_control_character("1 High St\r\nLeeds\tLS1 1AA", true));
        assert!(has_control_character("1 High St\nLeeds", false));
        assert!(!has_control_character("Zoë Smith – café", false));
    }

    #[test]
    fn encoded_control_characters_are_found() {
        assert!(encoded_has_control_character("q=%00"));
        assert!(encoded_has_control_character("q=a%0Ab"));
        assert!(encoded_has_control_character("q=%C2%85"));
        assert!(!encoded_has_control_character("q=tea%20pot&page=2"));
        assert!(
            !encoded_has_control_character("q=%FF"),
            "not UTF-8 is another check's"
        );
    }
}
