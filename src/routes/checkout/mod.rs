//! GET /checkout and POST /checkout: exactly-once ordering. The form and what it shows
//! again are here; placing the order is in `submit`.

mod last_order;
mod refusal;
mod submit;

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use serde::Deserialize;

use super::views::BasketView;
use crate::db::models::basket::{self, BasketLine};
use crate::db::models::unix_now;
use crate::db::models::{account, order};
use crate::domain::{Country, CustomerDetails, FieldErrors, OrderToken};
use crate::session::{CheckoutDraft, TypedSession};
use crate::web::{note_basket_count, AppError, AppState, Flash};

pub use submit::submit;

/// The checkout of an empty basket: to the basket, saying why. A browser that has just
/// placed an order is told which, with its receipt (Back after ordering lands here).
async fn empty_basket(
    req: &HttpRequest,
    state: &AppState,
    session: &TypedSession,
) -> Result<HttpResponse, AppError> {
    if let Some(placed) = last_order::message(req, state).await? {
        return Ok(state.redirect_with("/basket", &placed));
    }
    let message = match session.account() {
        // The account's basket is every device's: an order from another one empties it.
        Some(_) => {
            "Your basket is empty, so nothing was ordered. If you placed an order from \
             another device, it is listed on your account page."
        }
        None => "Your basket is empty: add something before checking out.",
    };
    Ok(state.redirect_with("/basket", &Flash::error(message)))
}

fn receipt_location(token: OrderToken) -> String {
    format!("/orders/{token}")
}

/// The checkout form. Its order token is kept in the session, so that reloading the form
/// (or opening it in two tabs) gives the same token. It is filled with what was typed into
/// a refused checkout, else the account's details; after a refused checkout (which
/// redirects here) it shows that refusal's messages, once, with its status.
pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
) -> Result<HttpResponse, AppError> {
    let refused = session.take_checkout_refusal();
    let lines = super::basket::lines(&state, &session).await?;
    if lines.is_empty() {
        return empty_basket(&req, &state, &session).await;
    }
    let token = form_token(&state, &session).await?;
    let mut typed = match session.checkout_draft() {
        Some(draft) => Typed::from_draft(&draft),
        None => account_details(&state, &session).await?,
    };
    let status = match refused {
        Some(refused) => refusal::shown(&req, refused, &mut typed.errors),
        None => StatusCode::OK,
    };
    render_form(
        &req,
        &state,
        &session,
        status,
        lines,
        token.to_string(),
        typed,
    )
    .await
}

/// The session's order token for the form; one is made (and the session written) when it
/// has none yet: a session whose basket came before tokens were made with it.
async fn form_token(state: &AppState, session: &TypedSession) -> Result<OrderToken, AppError> {
    if let Some(token) = session.order_token() {
        return Ok(token);
    }
    let token = OrderToken::generate();
    session.set_order_token(token)?;
    // The session's expiry moves on with this write; the basket's follows when it lags by
    // more than the refresh interval. (An account's basket never expires.)
    let now = unix_now();
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
    Ok(token)
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
    fn from_draft(draft: &CheckoutDraft) -> Self {
        Self {
            values: BTreeMap::from([
                ("name", draft.name.clone()),
                ("email", draft.email.clone()),
                ("address", draft.address.clone()),
            ]),
            ..Self::default()
        }
    }
}

/// The form, with the basket as it is now and that basket's version: every line that
/// cannot be ordered marked with its fix, and no "Place order" until there is none.
async fn render_form(
    req: &HttpRequest,
    state: &AppState,
    session: &TypedSession,
    status: StatusCode,
    lines: Vec<BasketLine>,
    order_token: String,
    typed: Typed,
) -> Result<HttpResponse, AppError> {
    super::basket::note_prices_seen(state, session, &lines).await?;
    let version = order::basket_version(&lines);
    let basket = BasketView::new(lines);
    let mut context = tera::Context::new();
    note_basket_count(req, basket.count);
    context.insert("basket", &basket);
    context.insert("basket_version", &version);
    context.insert("order_token", &order_token);
    context.insert("values", &typed.values);
    context.insert("errors", &typed.errors);
    context.insert("address_hint", &state.settings.country.hint());
    state.render(req, status, "checkout.html", context)
}

/// The most of a typed field the session keeps: twice the longest address.
const DRAFT_MAX_CHARS: usize = 1000;

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

impl CheckoutFields {
    /// The details, valid for a shop delivering in `country`, or each field's message.
    fn customer(&self, country: Country) -> Result<CustomerDetails, FieldErrors> {
        CustomerDetails::parse(&self.name, &self.email, &self.address, country)
    }

    /// The details as typed, to be kept with the session (each at most
    /// [`DRAFT_MAX_CHARS`]: enough to show the shopper what was too long).
    fn draft(&self) -> CheckoutDraft {
        let kept = |text: &str| text.chars().take(DRAFT_MAX_CHARS).collect();
        CheckoutDraft {
            name: kept(&self.name),
            email: kept(&self.email),
            address: kept(&self.address),
        }
    }
}
