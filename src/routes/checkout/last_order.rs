//! The browser that placed an order remembers it for a day, in a signed cookie of its
//! own: the guest's session ends with the order, yet the checkout page reached again
//! (Back, or a bookmark) can say "You have placed T000003: view your receipt" rather than
//! only that the basket is empty.

use actix_web::cookie::time::Duration;
use actix_web::cookie::Cookie;
use actix_web::HttpRequest;

use super::receipt_location;
use crate::db::models::order;
use crate::domain::{OrderNumber, OrderToken};
use crate::web::{cookies, AppError, AppState, Flash};

const LAST_ORDER_COOKIE: &str = "trolley_last_order";

/// The cookie naming the order this browser just placed.
pub(super) fn cookie(state: &AppState, token: OrderToken) -> Option<Cookie<'static>> {
    cookies::signed(
        LAST_ORDER_COOKIE,
        token.to_string(),
        Duration::days(1),
        &state.cookie_key,
        state.settings.cookie_secure,
    )
}

/// The message naming the order this browser placed last, when it has one that exists.
pub(super) async fn message(
    req: &HttpRequest,
    state: &AppState,
) -> Result<Option<Flash>, AppError> {
    let Some(token) = cookies::verified(req, LAST_ORDER_COOKIE, &state.cookie_key)
        .and_then(|text| OrderToken::parse(&text))
    else {
        return Ok(None);
    };
    let placed = state
        .db
        .query(move |conn| order::find_by_token(conn, token))
        .await?;
    Ok(placed.map(|placed| {
        let number = OrderNumber::from_id(placed.id);
        Flash::info(format!("You have placed {number}:"))
            .with_link(receipt_location(token), "view your receipt")
    }))
}
