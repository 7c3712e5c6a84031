//! The admin area: one guard for the whole scope but the login form.

mod baskets;
mod categories;
mod customers;
mod emails;
mod login;
mod orders;
mod params;
mod pictures;
mod product_changes;
mod product_conflict;
mod product_form;
mod products;
mod sessions;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse, ResponseError};

use super::{form, page, page_and_form};
use crate::db::models::{outbox, unix_now};
use crate::session::{AdminIdentity, TypedSession};
use crate::web::{see_other, AppError, AppState, FailedEmails};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/admin")
            .service(page_and_form("/login", login::form, login::submit))
            .service(
                web::scope("")
                    .wrap(from_fn(require_admin))
                    .service(page("", home))
                    .service(page("/", home))
                    .service(form("/logout", login::logout))
                    .service(page("/orders", orders::list))
                    .service(page("/orders.csv", orders::csv))
                    .service(page("/orders/{id}", orders::detail))
                    .service(page("/orders/{id}/cancel", orders::confirm_cancel))
                    .service(page("/orders/{id}/ship", orders::confirm_ship))
                    .service(form("/orders/{id}/status", orders::change_status))
                    .service(form("/orders/{id}/paid", orders::record_paid))
                    .service(form("/orders/{id}/refund", orders::refund_payment))
                    .service(page("/emails", emails::list))
                    .service(form("/emails/{id}/resend", emails::resend))
                    .service(page("/baskets", baskets::show))
                    .service(page("/sessions", sessions::list))
                    .service(page_and_form(
                        "/categories",
                        categories::list,
                        categories::create,
                    ))
                    .service(page_and_form(
                        "/categories/{id}",
                        categories::detail,
                        categories::save,
                    ))
                    .service(form("/categories/{id}/delete", categories::delete))
                    .service(page("/customers", customers::list))
                    .service(page("/customers/{id}", customers::detail))
                    .service(form("/sessions/end-others", sessions::end_others))
                    .service(page_and_form(
                        "/products",
                        products::list,
                        product_changes::create,
                    ))
                    .service(page("/products/new", products::new))
                    .service(page_and_form(
                        "/products/{id}",
                        products::detail,
                        product_changes::save,
                    ))
                    .service(form("/products/{id}/stock", product_changes::change_stock))
                    .service(form("/products/{id}/images", pictures::upload))
                    .service(form(
                        "/products/{id}/images/{image_id}/delete",
                        pictures::delete,
                    ))
                    .service(form(
                        "/products/{id}/images/{image_id}/first",
                        pictures::first,
                    )),
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
    let session = TypedSession::for_request(req.request());
    let idle_timeout = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.settings.admin_idle_timeout);
    let admin = match (session.admin(), idle_timeout) {
        (Some(admin), Some(timeout)) if !session.admin_idle(timeout, unix_now()) => {
            session.note_admin_activity(timeout, unix_now())?;
            Some(admin)
        }
        (Some(admin), _) => {
            log::info!("admin {:?} signed out after being idle", admin.username);
            session.purge();
            None
        }
        (None, _) => None,
    };
    match admin {
        Some(admin) => {
            req.extensions_mut().insert::<AdminIdentity>(admin);
            if draws_page(&req) {
                if let Some(state) = req.app_data::<web::Data<AppState>>() {
                    note_failed_emails(req.request(), state).await?;
                }
            }
            Ok(next.call(req).await?.map_into_boxed_body())
        }
        None if req.method() == Method::GET || req.method() == Method::HEAD => {
            Ok(req.into_response(see_other("/admin/login")))
        }
        None => Ok(req.into_response(AppError::Forbidden.error_response())),
    }
}

/// Whether the request asks for a page, whose header shows the count of failed emails: a
/// GET or HEAD, but not the CSV download.
fn draws_page(req: &ServiceRequest) -> bool {
    (req.method() == Method::GET || req.method() == Method::HEAD) && !req.path().ends_with(".csv")
}

/// Puts the count of failed emails in the request, for the admin header of the page it
/// draws: one statement. The guard does it for every page asked for; a form's handler
/// does it for a page it draws again (a 422).
pub(super) async fn note_failed_emails(
    req: &HttpRequest,
    state: &AppState,
) -> Result<(), AppError> {
    let failed = state.db.query(outbox::count_failed).await?;
    req.extensions_mut().insert(FailedEmails(failed));
    Ok(())
}
