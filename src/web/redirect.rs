//! The answer that ends every successful POST (Post/Redirect/Get).

use actix_web::http::header;
use actix_web::HttpResponse;

/// 303 See Other: the end of every successful POST (Post/Redirect/Get).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}
