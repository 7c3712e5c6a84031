//! Who the request is for: the header of every page, errors included, tells the truth
//! (the shopper's basket count, the admin area's own header).

use actix_web::HttpMessage;
use actix_web::HttpRequest;

use crate::domain::BasketId;

/// What the session said about the visitor, put in the request's extensions by the
/// session layer (`session::read_loaded`) for the error pages, which run outside it.
#[derive(Debug, Clone, Default)]
pub struct Visitor {
    pub basket: Option<BasketId>,
    /// The basket's count when known without a query: no basket, or one the session's
    /// load read (a request that changes nothing).
    pub basket_count: Option<i64>,
    pub admin: Option<String>,
    /// The name of the shopper's account the session is signed in to.
    pub account: Option<String>,
    /// The session's CSRF token as the request left it (the headers' sign-out forms).
    pub csrf_token: Option<String>,
}

/// Records the basket's count a handler read, for the page's header (see
/// `AppState::render`) and any error page the request ends in.
pub fn note_basket_count(req: &HttpRequest, count: i64) {
    if let Some(visitor) = req.extensions_mut().get_mut::<Visitor>() {
        visitor.basket_count = Some(count);
    }
}

/// How many emails have failed, for the admin header's Emails link (see
/// `AppState::render`) and any error page the request ends in: put in the request's
/// extensions by the admin guard, for the pages it lets through.
#[derive(Debug, Clone, Copy, Default)]
pub struct FailedEmails(pub i64);

impl FailedEmails {
    /// The count the request carries, 0 when none was read.
    pub fn of(req: &HttpRequest) -> i64 {
        req.extensions()
            .get::<FailedEmails>()
            .map_or(0, |failed| failed.0)
    }
}
