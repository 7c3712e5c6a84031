//! The routes, one module per resource, wired in one place.

mod admin;
mod basket;
mod catalogue;
mod checkout;
mod health;
mod orders;
mod return_to;
pub(crate) mod views;

use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::middleware::DefaultHeaders;
use actix_web::{web, HttpResponse};

use crate::web::{AppError, MAX_FORM_BYTES};

/// Registers every route. Static files come last so that nothing shadows a route.
pub fn configure(cfg: &mut web::ServiceConfig, static_dir: &str) {
    cfg.app_data(web::PayloadConfig::new(MAX_FORM_BYTES))
        .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
        .route("/", web::get().to(catalogue::index))
        .route("/products/{id}", web::get().to(catalogue::product))
        .route("/basket", web::get().to(basket::show))
        .route("/basket/items", web::post().to(basket::add))
        .route("/basket/items/{product_id}", web::post().to(basket::set))
        .route("/checkout", web::get().to(checkout::form))
        .route("/checkout", web::post().to(checkout::submit))
        .route("/orders/{order_token}", web::get().to(orders::receipt))
        .route("/healthz", web::get().to(health::check))
        .configure(admin::configure)
        .service(
            web::scope("/static")
                .wrap(DefaultHeaders::new().add(CacheControl(vec![
                    CacheDirective::Public,
                    CacheDirective::MaxAge(86_400),
                ])))
                .service(actix_files::Files::new("", static_dir)),
        )
        .default_service(web::to(not_found));
}

async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
