//! GET /healthz: `ok` when the database answers.

use actix_web::{web, HttpResponse};
use diesel::RunQueryDsl;

use crate::db::DbError;
use crate::errors::PlainAnswer;
use crate::startup::AppState;

pub async fn check(state: web::Data<AppState>) -> HttpResponse {
    let answer = state
        .db
        .run(|conn| {
            diesel::sql_query("SELECT 1")
                .execute(conn)
                .map_err(DbError::from)
        })
        .await;
    match answer {
        Ok(_) => HttpResponse::Ok()
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
