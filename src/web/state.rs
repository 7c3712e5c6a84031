//! What every handler can reach, and the two ways a handler answers with a page: a
//! rendered template, or a redirect carrying a message.

use std::sync::Arc;

use actix_web::cookie::time::Duration;
use actix_web::cookie::Key;
use actix_web::http::header;
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

use super::csrf::CsrfToken;
use super::errors::{error_title, AppError, ErrorLayout};
use super::flash::{self, Flash};
use super::shared_html::SharedHtml;
use super::visitor::{FailedEmails, Visitor};

use crate::catalogue_copy::CatalogueCopy;
use crate::config::Settings;
use crate::db::models::unix_now;
use crate::db::Db;
use crate::metrics::Metrics;

/// The message for a page drawn in answer to a refused change (a 409 that shows the
/// page the shopper was on): shown at the top like a flash message, with the product's
/// line or form marked. `here` is the page's own path, for the forms' `next` fields.
#[derive(Debug, Clone)]
pub struct PageNotice {
    pub message: String,
    pub product_id: i64,
    pub here: String,
}

/// The page's own address, for its forms' `next` fields.
fn here(req: &HttpRequest) -> &str {
    req.uri().path_and_query().map_or("/", |path| path.as_str())
}

/// Built once at start-up (see `startup::prepare`), outside the server's worker factory.
pub struct AppState {
    pub db: Db,
    pub settings: Settings,
    pub cookie_key: Key,
    pub templates: tera::Tera,
    pub catalogue_copy: Arc<CatalogueCopy>,
    /// Password checks (Argon2): bounded on this instance, on a thread at the lowest
    /// scheduling priority, so that a flood of logins waits and shoppers' pages keep the
    /// other cores.
    pub password_checks: crate::auth::PasswordChecks,
    /// Pictures decoded and resized: one at a time, on a thread at the lowest priority.
    pub pictures: crate::pictures::Pictures,
    /// Pictures served lately, by name (their bytes never change under a name).
    pub media_cache: crate::web::MediaCache,
    /// The stand-ins parts of pages shared by every visitor are drawn with.
    pub shared_html: SharedHtml,
    /// What GET /metrics shows (served only when `TROLLEY_METRICS_ADDR` is set).
    pub metrics: Metrics,
    /// Stripe Checkout, with `TROLLEY_PAYMENTS=stripe`.
    pub stripe: Option<crate::stripe::Stripe>,
}

impl AppState {
    /// Renders a page in the site's layout: adds the CSRF token (setting its cookie when
    /// new) and the flash message this request brought (clearing its cookie).
    pub fn render(
        &self,
        req: &HttpRequest,
        status: StatusCode,
        template: &str,
        mut context: tera::Context,
    ) -> Result<HttpResponse, AppError> {
        let csrf = CsrfToken::for_request(req, &self.cookie_key);
        context.insert("csrf_token", csrf.value());
        // Every page's header: the basket's count as the request knows it, and the admin.
        let visitor = req
            .extensions()
            .get::<Visitor>()
            .cloned()
            .unwrap_or_default();
        context.insert("basket_count", &visitor.basket_count.unwrap_or(0));
        context.insert("admin", &visitor.admin);
        context.insert("account", &visitor.account);
        context.insert("failed_emails", &FailedEmails::of(req));
        let flash = Flash::from_request(req, &self.cookie_key);
        let notice = req.extensions().get::<PageNotice>().cloned();
        // A message's Dismiss link loads its page again, where it is not shown twice.
        let shown_again = req.method() == Method::GET || req.method() == Method::HEAD;
        match &notice {
            Some(notice) => {
                context.insert("flash", &Flash::error(notice.message.clone()));
                context.insert("marked_product", &notice.product_id);
                context.insert("here", &notice.here);
                context.insert("dismiss_to", &notice.here);
            }
            None => {
                context.insert("flash", &flash);
                context.insert("marked_product", &0);
                context.insert("here", here(req));
                context.insert("dismiss_to", &shown_again.then(|| here(req)));
            }
        }
        let html = self.templates.render(template, &context)?;
        let mut response = HttpResponse::build(status);
        response
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "private, no-cache"));
        let csrf_cookie = csrf.cookie(
            &self.cookie_key,
            self.settings.cookie_secure,
            Duration::seconds(self.session_ttl_secs()),
        );
        if let Some(cookie) = csrf_cookie {
            response.cookie(cookie);
        }
        if flash.is_some() {
            response.cookie(flash::removal_cookie(self.settings.cookie_secure));
        }
        Ok(response.body(html))
    }

    /// Draws a part of a page that every visitor is served (see [`SharedHtml`]).
    pub fn render_shared(
        &self,
        template: &str,
        mut context: tera::Context,
    ) -> Result<String, AppError> {
        self.shared_html.stand_ins(&mut context);
        context.insert("marked_product", &0);
        Ok(self.templates.render(template, &context)?)
    }

    /// A part drawn by [`AppState::render_shared`], as this request's visitor sees it.
    pub fn fill_shared(&self, req: &HttpRequest, drawn: &str) -> String {
        let csrf = CsrfToken::for_request(req, &self.cookie_key);
        self.shared_html.fill(drawn, csrf.value(), here(req))
    }

    /// The error page's HTML, for the error-pages middleware.
    pub fn render_error(
        &self,
        status: StatusCode,
        message: &str,
        layout: &ErrorLayout,
    ) -> Result<String, tera::Error> {
        let mut context = tera::Context::new();
        context.insert("status", &status.as_u16());
        context.insert("title", error_title(status));
        context.insert("message", message);
        context.insert("basket_count", &layout.basket_count);
        context.insert("admin", &layout.admin);
        context.insert("account", &layout.account);
        context.insert("failed_emails", &layout.failed_emails);
        context.insert("csrf_token", layout.csrf_token.as_deref().unwrap_or(""));
        let template = if layout.admin_area {
            "admin/error.html"
        } else {
            "error.html"
        };
        self.templates.render(template, &context)
    }

    /// 303 See Other to `location`, with a message for the page there.
    pub fn redirect_with(&self, location: &str, flash: &Flash) -> HttpResponse {
        flash::see_other_with(
            location,
            flash,
            &self.cookie_key,
            self.settings.cookie_secure,
        )
    }

    fn session_ttl_secs(&self) -> i64 {
        i64::try_from(self.settings.session_ttl.as_secs()).unwrap_or(i64::MAX)
    }

    /// When a session changed now would expire, as Unix seconds (baskets follow it).
    pub fn session_expiry(&self) -> i64 {
        unix_now().saturating_add(self.session_ttl_secs())
    }
}
