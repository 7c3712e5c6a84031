//! The routes, one module per resource, wired in one place.

mod account;
mod admin;
mod basket;
mod checkout;
mod health;
mod media;
pub mod metrics;
mod orders;
mod owned_sessions;
mod payments;
mod return_to;
mod storefront;
pub(crate) mod views;

use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;
use actix_web::{guard, web, FromRequest, Handler, HttpResponse, Resource, Responder, Route};

use crate::web::{AppError, MAX_FORM_BYTES};

/// Registers every route. Static files come last so that nothing shadows a route.
pub fn configure(cfg: &mut web::ServiceConfig, static_dir: &str) {
    cfg.app_data(web::PayloadConfig::new(MAX_FORM_BYTES))
        .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
        .service(page("/", storefront::index))
        .service(page("/products/{id}", storefront::product))
        .service(page("/categories/{slug}", storefront::category))
        .service(page("/basket", basket::show))
        .service(form("/basket/items", basket::add))
        .service(form("/basket/items/{product_id}", basket::set))
        .service(
            web::resource("/checkout")
                .route(get().to(checkout::form))
                .route(web::post().to(checkout::submit))
                .route(others(GET_POST)),
        )
        .service(page("/orders/{order_token}", orders::receipt))
        .service(form("/orders/{order_token}/pay", payments::pay))
        .service(
            web::resource("/payments/stripe/webhook")
                .app_data(web::PayloadConfig::new(payments::MAX_WEBHOOK_BYTES))
                .route(web::post().to(payments::webhook))
                .route(others("POST")),
        )
        .service(page("/healthz", health::check))
        .service(page("/media/{name}", media::serve))
        .configure(account::configure)
        .configure(admin::configure)
        .service(
            // actix-files answers other methods 405 but without `Allow` (which any answer
            // may carry).
            web::scope("/static")
                .wrap(DefaultHeaders::new().add((header::ALLOW, GET_HEAD)))
                .service(actix_files::Files::new("", static_dir)),
        )
        .default_service(web::to(not_found));
}

/// What a page answers to, and what a page with a form answers to.
pub(crate) const GET_HEAD: &str = "GET, HEAD";
pub(crate) const GET_POST: &str = "GET, HEAD, POST";

/// GET, and HEAD answered alike: actix sends the same status and headers, and no body.
pub(crate) fn get() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// Any other method on a known path: 405, with `Allow` naming the methods it takes.
pub(crate) fn others(allow: &'static str) -> Route {
    web::route()
        .to(move || async move { Err::<HttpResponse, _>(AppError::MethodNotAllowed(allow)) })
}

/// A page: GET and HEAD.
pub(crate) fn page<F, Args>(path: &str, handler: F) -> Resource
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    web::resource(path)
        .route(get().to(handler))
        .route(others(GET_HEAD))
}

/// A form's target: POST only.
pub(crate) fn form<F, Args>(path: &str, handler: F) -> Resource
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    web::resource(path)
        .route(web::post().to(handler))
        .route(others("POST"))
}

/// A page whose form posts back to it: GET and HEAD, and POST.
pub(crate) fn page_and_form<G, GArgs, P, PArgs>(path: &str, show: G, submit: P) -> Resource
where
    G: Handler<GArgs>,
    GArgs: FromRequest + 'static,
    G::Output: Responder + 'static,
    P: Handler<PArgs>,
    PArgs: FromRequest + 'static,
    P::Output: Responder + 'static,
{
    web::resource(path)
        .route(get().to(show))
        .route(web::post().to(submit))
        .route(others(GET_POST))
}

async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
