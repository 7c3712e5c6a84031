//! GET /checkout and POST /checkout: exactly-once ordering.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};

use serde::Deserialize;

use super::views::BasketView;
use crate::db::models::basket::{self, BasketLine};
use crate::db::models::order::{self, Placement, ShortLine};
use crate::db::models::unix_now;
use crate::domain::{CustomerDetails, FieldErrors, OrderToken};
use crate::session::TypedSession;
use crate::web::{csrf, see_other, AppError, AppState, Flash, PageNotice, UncheckedForm};

async fn basket_lines(
    state: &AppState,
    session: &TypedSession,
) -> Result<Vec<BasketLine>, AppError> {
    match session.basket_id() {
        Some(basket) => {
            state
                .db
                .run(move |conn| Ok::<_, AppError>(basket::lines(conn, &basket)?))
                .await
        }
        None => Ok(Vec::new()),
    }
}

fn empty_basket(state: &AppState) -> HttpResponse {
    state.redirect_with(
        "/basket",
        &Flash::error("Your basket is empty: add something before checking out."),
    )
}

fn receipt_location(token: OrderToken) -> String {
    format!("/orders/{token}")
}

/// The checkout form. Its order token is made once per session and kept there, so that
/// reloading the form (or opening it in two tabs) gives the same token.
pub async fn form(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
) -> Result<HttpResponse, AppError> {
    let lines = basket_lines(&state, &session).await?;
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
                    .run(move |conn| Ok::<_, AppError>(basket::touch(conn, &basket, expires_at)?))
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
    context.insert("basket_count", &basket.count);
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
    /// Absent from forms rendered before versions existed: those are not checked.
    basket_version: String,
}

impl TryFrom<&CheckoutFields> for CustomerDetails {
    type Error = FieldErrors;

    fn try_from(fields: &CheckoutFields) -> Result<Self, FieldErrors> {
        CustomerDetails::parse(&fields.name, &fields.email, &fields.address)
    }
}

/// Places the order, in the order the contract gives:
/// 1. a token whose order exists already answers with that order, whatever else;
/// 2. CSRF (403), the fields (422), the session's token and a non-empty basket (303);
/// 3. one transaction taking stock, writing the order, emptying the basket (409 when
///    stock is short);
/// 4. the session destroyed, then the receipt.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    form: UncheckedForm<CheckoutFields>,
) -> Result<HttpResponse, AppError> {
    let fields = form.fields;
    let token = OrderToken::parse(&fields.order_token);
    if let Some(token) = token {
        if already_placed(&state, token).await? {
            return Ok(see_other(&receipt_location(token)));
        }
    }

    csrf::verify(&req, &state.cookie_key, form.csrf_token.as_deref())?;
    let customer = match CustomerDetails::try_from(&fields) {
        Ok(customer) => customer,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return form_again(&req, &state, &session, &fields, status, errors).await;
        }
    };
    let (Some(token), Some(basket)) = (token, session.basket_id()) else {
        return Ok(stale_form(&state));
    };
    if session.order_token() != Some(token) {
        return Ok(stale_form(&state));
    }

    let now = chrono::Utc::now().naive_utc();
    let version = Some(fields.basket_version.clone()).filter(|version| !version.is_empty());
    let placement = state
        .db
        .run(move |conn| {
            let version = version.as_deref();
            Ok::<_, AppError>(order::place(conn, &basket, version, token, &customer, now)?)
        })
        .await?;
    match placement {
        Placement::Placed => placed(&state, &session, token),
        Placement::AlreadyPlaced => Ok(see_other(&receipt_location(token))),
        Placement::EmptyBasket => Ok(empty_basket(&state)),
        // 409: the form again, with the basket as it is now (the short lines marked), its
        // new version and the message at the top. Nothing was ordered.
        Placement::BasketChanged => {
            let message = "Your basket changed since this page was shown, so nothing was \
                 ordered. Please check your basket below and place the order again.";
            refused(&req, &state, &session, &fields, message.to_owned()).await
        }
        Placement::OutOfStock(short) => {
            refused(&req, &state, &session, &fields, out_of_stock(&short)).await
        }
    }
}

/// Rule 4: the session destroyed (its CSRF token with it), then the receipt.
fn placed(
    state: &AppState,
    session: &TypedSession,
    token: OrderToken,
) -> Result<HttpResponse, AppError> {
    state.catalogue.invalidate();
    session.purge();
    let mut response = see_other(&receipt_location(token));
    response
        .add_cookie(&csrf::removal_cookie())
        .map_err(AppError::internal)?;
    Ok(response)
}

/// Whether an order was placed with this token already (the back button, the double
/// click): then its receipt is the answer, whatever else the request says.
async fn already_placed(state: &AppState, token: OrderToken) -> Result<bool, AppError> {
    let existing = state
        .db
        .run(move |conn| Ok::<_, AppError>(order::find_by_token(conn, token)?))
        .await?;
    Ok(existing.is_some())
}

/// 409: the form again, with `message` at the top of the page.
async fn refused(
    req: &HttpRequest,
    state: &AppState,
    session: &TypedSession,
    fields: &CheckoutFields,
    message: String,
) -> Result<HttpResponse, AppError> {
    req.extensions_mut().insert(PageNotice {
        message,
        product_id: 0,
        here: "/checkout".to_owned(),
    });
    let status = StatusCode::CONFLICT;
    form_again(req, state, session, fields, status, FieldErrors::new()).await
}

/// The form again with the values typed: 422 with the fields' messages, or 409 when the
/// stock ran short.
async fn form_again(
    req: &HttpRequest,
    state: &AppState,
    session: &TypedSession,
    fields: &CheckoutFields,
    status: StatusCode,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let lines = basket_lines(state, session).await?;
    let typed = Typed {
        errors,
        ..Typed::from_fields(fields)
    };
    render_form(req, state, status, lines, fields.order_token.clone(), typed)
}

/// The lines there is not enough stock for; nothing was ordered.
fn out_of_stock(short: &[ShortLine]) -> String {
    let lines: Vec<String> = short
        .iter()
        .map(|line| match line.in_stock {
            0 => format!("{} (out of stock)", line.name),
            n => format!("{} ({} wanted, {n} left)", line.name, line.wanted),
        })
        .collect();
    format!(
        "Sorry, there is not enough stock for: {}. Nothing was ordered; please change \
         your basket and try again.",
        lines.join("; ")
    )
}

fn stale_form(state: &AppState) -> HttpResponse {
    state.redirect_with(
        "/basket",
        &Flash::error(
            "That checkout form is out of date. Please check your basket and check out again.",
        ),
    )
}
