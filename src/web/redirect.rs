//! The answer that ends every successful POST (Post/Redirect/Get).

use actix_web::http::header;
use actix_web::HttpResponse;

/// 303 See Other: the end of every successful POST (Post/Redirect/Get).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Whether the request is a browser's navigation (following a link, submitting a form),
/// as its `Sec-Fetch-Mode` header says; other clients send none.
pub fn is_navigation(req: &actix_web::HttpRequest) -> bool {
    req.headers()
        .get("sec-fetch-mode")
        .is_some_and(|mode| mode.as_bytes() == b"navigate")
}
