//! GET /checkout and POST /checkout: exactly-once ordering. The form and what it shows
//! again are here; placing the order is in `submit`.

mod submit;

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use serde::Deserialize;

use super::views::BasketView;
use crate::db::models::basket::{self, BasketLine};
use crate::db::models::order;
use crate::db::models::unix_now;
use crate::domain::{CustomerDetails, FieldErrors, OrderToken};
use crate::session::TypedSession;
use crate::web::{note_basket_count, AppError, AppState, Flash};

pub use submit::submit;

fn empty_basket(state: &AppState) -> HttpResponse {
    state.redirect_with(
        "/basket",
        &Flash::error("Your basket is empty: add something before checking out."),
    )
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
        return Ok(empty_basket(&state));
    }
    let token = match session.order_token() {
        Some(token) => token,
        None => {
            let token = OrderToken::generate();
            session.set_order_token(token)?;
            // The session's expiry moves on with this write; the basket's follows when it
            // lags by more than the refresh interval.
            let now = unix_now();
            if let (true, Some(basket)) = (
                session.due_for_refresh(state.settings.session_ttl, now),
                session.basket_id(),
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
    render_form(
        &req,
        &state,
        StatusCode::OK,
        lines,
        token.to_string(),
        Typed::default(),
    )
}

/// What the form shows again when it comes back: the values typed, the messages.
#[derive(Default)]
struct Typed<'a> {
    values: BTreeMap<&'a str, &'a str>,
    errors: FieldErrors,
}

impl<'a> Typed<'a> {
    fn from_fields(fields: &'a CheckoutFields) -> Self {
        Self {
            values: BTreeMap::from([
                ("name", fields.name.as_str()),
                ("email", fields.email.as_str()),
                ("address", fields.address.as_str()),
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
    typed: Typed<'_>,
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
