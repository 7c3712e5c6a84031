//! Who an error page is for: the header of every page, errors included, tells the truth
//! (the shopper's basket count, the admin area's own header).

use actix_web::HttpMessage;
use actix_web::HttpRequest;

use super::errors::ErrorLayout;
use super::state::AppState;
use crate::db::models::basket;
use crate::db::DbError;
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
    /// The session's CSRF token as the request left it (the admin header's logout form).
    pub csrf_token: Option<String>,
}

/// Records the basket's count a handler read, for the page's header (see
/// `AppState::render`) and any error page the request ends in.
pub fn note_basket_count(req: &HttpRequest, count: i64) {
    if let Some(visitor) = req.extensions_mut().get_mut::<Visitor>() {
        visitor.basket_count = Some(count);
    }
}

/// The layout for an error answer to `req`: the admin header under /admin, the shop's
/// otherwise, with the basket's true count. The count costs a query only when the
/// session's load did not read the basket (a request that writes); a database that fails
/// it leaves the count 0.
pub async fn error_layout(state: Option<&AppState>, req: &HttpRequest) -> ErrorLayout {
    let visitor = req
        .extensions()
        .get::<Visitor>()
        .cloned()
        .unwrap_or_default();
    let admin_area = req.path() == "/admin" || req.path().starts_with("/admin/");
    let csrf_token = visitor.admin.as_ref().and(visitor.csrf_token.clone());
    let basket_count = match admin_area {
        true => 0,
        false => match (visitor.basket_count, visitor.basket) {
            (Some(count), _) => count,
            (None, Some(basket)) => read_count(state, basket).await,
            (None, None) => 0,
        },
    };
    ErrorLayout {
        admin_area,
        admin: visitor.admin,
        basket_count,
        csrf_token,
    }
}

async fn read_count(state: Option<&AppState>, basket: BasketId) -> i64 {
    let Some(state) = state.filter(|state| state.db.is_available()) else {
        return 0;
    };
    state
        .db
        .run(move |conn| Ok::<_, DbError>(basket::item_count(conn, &basket)?))
        .await
        .unwrap_or_else(|error| {
            log::warn!("the error page's basket count failed: {error}");
            0
        })
}
