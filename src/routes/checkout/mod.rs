//! GET /checkout and POST /checkout: exactly-once ordering. The form and what it shows
//! again are here; placing the order is in `submit`.

mod submit;

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use serde::Deserialize;

use super::views::BasketView;
use crate::db::models::basket::{self, BasketLine};
use crate::db::models::unix_now;
use crate::db::models::{account, order};
use crate::domain::{CustomerDetails, FieldErrors, OrderToken};
use crate::session::TypedSession;
use crate::web::{note_basket_count, AppError, AppState, Flash};

pub use submit::submit;

fn empty_basket(state: &AppState, session: &TypedSession) -> HttpResponse {
    let message = match session.account() {
        // The account's basket is every device's: an order from another one empties it.
        Some(_) => {
            "Your basket is empty, so nothing was ordered. If you placed an order from \
             another device, it is listed on your account page."
        }
        None => "Your basket is empty: add something before checking out.",
    };
    state.redirect_with("/basket", &Flash::error(message))
}

fn receipt_location(token: OrderToken) -> String {
    format!("/orders/{token}")
}

/// The checkout form. Its order token is kept in the session, so that reloading the form
/// (or opening it in two tabs) gives the same token. It is made with the basket, in the
/// session write that creates the basket; a session whose basket came before that gets
/// one here.
pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
) -> Result<HttpResponse, AppError> {
    let lines = super::basket::lines(&state, &session).await?;
    if lines.is_empty() {
        return Ok(empty_basket(&state, &session));
    }
    let token = match session.order_token() {
        Some(token) => token,
        None => {
            let token = OrderToken::generate();
            session.set_order_token(token)?;
            // The session's expiry moves on with this write; the basket's follows when it
            // lags by more than the refresh interval.
            let now = unix_now();
            // (An account's basket never expires: nothing to move on.)
            let guest_basket = session.basket_id().filter(|_| session.account().is_none());
            if let (true, Some(basket)) = (
                session.due_for_refresh(state.settings.session_ttl, now),
                guest_basket,
            ) {
                let expires_at = state.session_expiry();
                state
                    .db
                    .query(move |conn| basket::touch(conn, &basket, expires_at))
                    .await?;
                session.mark_refreshed(now)?;
            }
            token
        }
    };
    let typed = account_details(&state, &session).await?;
    render_form(
        &req,
        &state,
        StatusCode::OK,
        lines,
        token.to_string(),
        typed,
    )
}

/// A signed-in shopper's form starts filled: the account's name and email, and the
/// address of its last order.
async fn account_details(state: &AppState, session: &TypedSession) -> Result<Typed, AppError> {
    let Some(signed_in) = session.account() else {
        return Ok(Typed::default());
    };
    let found = state
        .db
        .query(move |conn| {
            let found = account::find(conn, signed_in.id)?;
            let address = account::last_address(conn, signed_in.id)?;
            Ok(found.map(|found| (found, address)))
        })
        .await?;
    let Some((found, address)) = found else {
        return Ok(Typed::default());
    };
    Ok(Typed {
        values: BTreeMap::from([
            ("name", found.name),
            ("email", found.email),
            ("address", address.unwrap_or_default()),
        ]),
        ..Typed::default()
    })
}

/// What the form shows: the values typed (or the account's), the messages.
#[derive(Default)]
struct Typed {
    values: BTreeMap<&'static str, String>,
    errors: FieldErrors,
}

impl Typed {
    fn from_fields(fields: &CheckoutFields) -> Self {
        Self {
            values: BTreeMap::from([
                ("name", fields.name.clone()),
                ("email", fields.email.clone()),
                ("address", fields.address.clone()),
            ]),
            ..Self::default()
        }
    }
}

/// The form, with the basket as it is now and that basket's version.
fn render_form(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    lines: Vec<BasketLine>,
    order_token: String,
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    let version = order::basket_version(&lines);
    let basket = BasketView::new(lines);
    let mut context = tera::Context::new();
    note_basket_count(req, basket.count);
    context.insert("basket", &basket);
    context.insert("basket_version", &version);
    context.insert("order_token", &order_token);
    context.insert("values", &typed.values);
    context.insert("errors", &typed.errors);
    state.render(req, status, "checkout.html", context)
}

/// The checkout form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CheckoutFields {
    name: String,
    email: String,
    address: String,
    order_token: String,
    /// The basket the form showed (see `order::basket_version`); a form without it is
    /// answered as one whose basket changed.
    basket_version: String,
}

impl TryFrom<&CheckoutFields> for CustomerDetails {
    type Error = FieldErrors;

    fn try_from(fields: &CheckoutFields) -> Result<Self, FieldErrors> {
        CustomerDetails::parse(&fields.name, &fields.email, &fields.address)
    }
}

/// The form again with the values typed: 422 with the fields' messages, or 409 when the
/// stock ran short.
pub(super) async fn form_again(
    req: &HttpRequest,
    state: &AppState,
    session: &TypedSession,
    fields: &CheckoutFields,
    status: StatusCode,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let lines = super::basket::lines(state, session).await?;
    let typed = Typed {
        errors,
        ..Typed::from_fields(fields)
    };
    render_form(req, state, status, lines, fields.order_token.clone(), typed)
}
