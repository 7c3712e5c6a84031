//! The admin area: one guard for the whole scope but the login form.

mod baskets;
mod emails;
mod login;
mod orders;
mod product_changes;
mod products;
mod sessions;

use actix_session::SessionExt;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, HttpMessage, HttpResponse, ResponseError};

use crate::session::{AdminIdentity, TypedSession};
use crate::web::{see_other, AppError};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin")
            .wrap(from_fn(no_store))
            .route("/login", web::get().to(login::form))
            .route("/login", web::post().to(login::submit))
            .service(
                web::scope("")
                    .wrap(from_fn(require_admin))
                    .route("", web::get().to(home))
                    .route("/", web::get().to(home))
                    .route("/logout", web::post().to(login::logout))
                    .route("/orders", web::get().to(orders::list))
                    .route("/orders.csv", web::get().to(orders::csv))
                    .route("/orders/{id}", web::get().to(orders::detail))
                    .route("/orders/{id}/status", web::post().to(orders::change_status))
                    .route("/emails", web::get().to(emails::list))
                    .route("/emails/{id}/retry", web::post().to(emails::retry))
                    .route("/baskets", web::get().to(baskets::show))
                    .route("/sessions", web::get().to(sessions::list))
                    .route("/sessions/end-others", web::post().to(sessions::end_others))
                    .route("/products", web::get().to(products::list))
                    .route("/products", web::post().to(product_changes::create))
                    .route("/products/new", web::get().to(products::new))
                    .route("/products/{id}", web::get().to(products::detail))
                    .route("/products/{id}", web::post().to(product_changes::save))
                    .route(
                        "/products/{id}/stock",
                        web::post().to(product_changes::change_stock),
                    ),
            ),
    );
}

async fn home() -> HttpResponse {
    see_other("/admin/orders")
}

/// Without an admin session, a GET goes to the login form and anything else is 403;
/// neither shows any order data. With one, the admin is in the request's extensions.
async fn require_admin(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let session = TypedSession::from_session(req.get_session());
    match session.admin() {
        Some(admin) => {
            // "Last seen" on the sessions page: a write at most once a minute.
            session.mark_seen(crate::db::models::unix_now())?;
            req.extensions_mut().insert::<AdminIdentity>(admin);
            Ok(next.call(req).await?.map_into_boxed_body())
        }
        None if req.method() == Method::GET || req.method() == Method::HEAD => {
            Ok(req.into_response(see_other("/admin/login")))
        }
        None => Ok(req.into_response(AppError::Forbidden.error_response())),
    }
}

/// Admin pages are never kept by the browser: Back after logout shows no order data.
async fn no_store(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
