//! GET /metrics, on the metrics' own listener (see `startup`), never on the shop's: the
//! instance's metrics in the Prometheus text format.

use std::future::{ready, Ready};

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::metrics::{Metrics, CONTENT_TYPE};

/// The metrics' server has this one route; anything else is a 404.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(scrape));
}

/// Encoding the metrics waits for nothing: the answer is ready when the handler returns.
fn scrape(metrics: web::Data<Metrics>) -> Ready<HttpResponse> {
    ready(
        HttpResponse::Ok()
            .content_type(CONTENT_TYPE)
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(metrics.render()),
    )
}
