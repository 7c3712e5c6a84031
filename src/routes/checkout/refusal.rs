//! A refused checkout (422: the details; 409: the basket): nothing is ordered, what was
//! typed is kept with the session until an order is placed, and the shopper sees the form
//! again with the messages.
//!
//! A browser's form submission (`Sec-Fetch-Mode: navigate`) is answered 303 → /checkout,
//! which shows the refusal once with its status (post/redirect/get): Back after the order
//! that follows then leads to a page, never to a form the browser offers to post again.
//! Any other client gets the form again at once, with the status, as the contract says.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

use super::{render_form, CheckoutFields, Typed};
use crate::domain::FieldErrors;
use crate::session::{CheckoutRefusal, TypedSession};
use crate::web::{is_navigation, see_other, AppError, AppState, PageNotice};

/// Why a checkout was refused.
pub(super) struct Refused {
    pub status: StatusCode,
    pub errors: FieldErrors,
    /// The message at the top of the page.
    pub message: Option<String>,
}

/// The answer to a refused checkout (see the module's comment).
pub(super) async fn answer(
    req: &HttpRequest,
    state: &AppState,
    session: &TypedSession,
    fields: &CheckoutFields,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    // A visitor with no basket has nothing to keep details for: no session is made.
    if session.basket_id().is_some() {
        session.keep_checkout_draft(&fields.draft())?;
        if is_navigation(req) {
            session.keep_checkout_refusal(&CheckoutRefusal {
                status: refused.status.as_u16(),
                errors: refused
                    .errors
                    .iter()
                    .map(|(field, message)| ((*field).to_owned(), message.clone()))
                    .collect(),
                message: refused.message,
            })?;
            return Ok(see_other("/checkout"));
        }
    }
    if let Some(message) = refused.message {
        notice(req, message);
    }
    let lines = super::super::basket::lines(state, session).await?;
    let typed = Typed {
        errors: refused.errors,
        ..Typed::from_draft(&fields.draft())
    };
    let token = fields.order_token.clone();
    render_form(req, state, session, refused.status, lines, token, typed).await
}

/// A kept refusal, shown by the checkout page it redirected to: its messages go to the
/// fields and the top of the page; returns the page's status.
pub(super) fn shown(
    req: &HttpRequest,
    refused: CheckoutRefusal,
    errors: &mut FieldErrors,
) -> StatusCode {
    errors.extend(field_errors(refused.errors));
    if let Some(message) = refused.message {
        notice(req, message);
    }
    StatusCode::from_u16(refused.status)
        .ok()
        .filter(StatusCode::is_client_error)
        .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

/// The kept messages of the form's own fields (anything else is dropped).
fn field_errors(kept: BTreeMap<String, String>) -> FieldErrors {
    kept.into_iter()
        .filter_map(|(field, message)| {
            let field = ["name", "email", "address"]
                .into_iter()
                .find(|known| *known == field)?;
            Some((field, message))
        })
        .collect()
}

fn notice(req: &HttpRequest, message: String) {
    req.extensions_mut().insert(PageNotice {
        message,
        product_id: 0,
        here: "/checkout".to_owned(),
    });
}
