//! GET /healthz: `ok` when the database answers and can be written.

use actix_web::{web, HttpResponse};

use crate::web::{AppState, PlainAnswer};

pub async fn check(state: web::Data<AppState>) -> HttpResponse {
    match state.db.check_writable().await {
        Ok(()) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .insert_header(("Cache-Control", "no-store"))
            .body("ok"),
        Err(error) => {
            log::warn!("health check failed: {error}");
            let mut response = HttpResponse::ServiceUnavailable()
                .content_type("text/plain; charset=utf-8")
                .insert_header(("Cache-Control", "no-store"))
                .body("unavailable");
            response.extensions_mut().insert(PlainAnswer);
            response
        }
    }
}
