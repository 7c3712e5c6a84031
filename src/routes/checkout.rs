//! GET /checkout and POST /checkout: exactly-once ordering.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use serde::Deserialize;

use super::views::BasketView;
use crate::db::models::basket::{self, BasketLine};
use crate::db::models::order::{self, Placement, ShortLine};
use crate::db::models::unix_now;
use crate::domain::{CustomerDetails, FieldErrors, OrderToken};
use crate::session::TypedSession;
use crate::web::{csrf, see_other, AppError, AppState, Flash, UncheckedForm};

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
        BTreeMap::new(),
        FieldErrors::new(),
    )
}

fn render_form(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    lines: Vec<BasketLine>,
    order_token: String,
    values: BTreeMap<&str, &str>,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let basket = BasketView::new(lines);
    let mut context = tera::Context::new();
    context.insert("basket_count", &basket.count);
    context.insert("basket", &basket);
    context.insert("order_token", &order_token);
    context.insert("values", &values);
    context.insert("errors", &errors);
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
        let existing = state
            .db
            .run(move |conn| Ok::<_, AppError>(order::find_by_token(conn, token)?))
            .await?;
        if existing.is_some() {
            return Ok(see_other(&receipt_location(token)));
        }
    }

    csrf::verify(&req, &state.cookie_key, form.csrf_token.as_deref())?;
    let customer = match CustomerDetails::try_from(&fields) {
        Ok(customer) => customer,
        Err(errors) => return invalid_details(&req, &state, &session, &fields, errors).await,
    };
    let (Some(token), Some(basket)) = (token, session.basket_id()) else {
        return Ok(stale_form(&state));
    };
    if session.order_token() != Some(token) {
        return Ok(stale_form(&state));
    }

    let now = chrono::Utc::now().naive_utc();
    let placement = state
        .db
        .run(move |conn| Ok::<_, AppError>(order::place(conn, &basket, token, &customer, now)?))
        .await?;
    match placement {
        Placement::Placed => {
            state.catalogue.invalidate();
            session.purge();
            Ok(see_other(&receipt_location(token)))
        }
        Placement::AlreadyPlaced => Ok(see_other(&receipt_location(token))),
        Placement::EmptyBasket => Ok(empty_basket(&state)),
        Placement::OutOfStock(short) => Err(out_of_stock(&short)),
        Placement::Unavailable(names) => Err(AppError::Conflict(format!(
            "Sorry, these are no longer available: {}. Nothing was ordered; please remove \
             them from your basket and try again.",
            names.join("; ")
        ))),
    }
}

/// 422: the form again, with the messages and the values typed.
async fn invalid_details(
    req: &HttpRequest,
    state: &AppState,
    session: &TypedSession,
    fields: &CheckoutFields,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let lines = basket_lines(state, session).await?;
    let values = BTreeMap::from([
        ("name", fields.name.as_str()),
        ("email", fields.email.as_str()),
        ("address", fields.address.as_str()),
    ]);
    render_form(
        req,
        state,
        StatusCode::UNPROCESSABLE_ENTITY,
        lines,
        fields.order_token.clone(),
        values,
        errors,
    )
}

/// 409: the lines there is not enough stock for; nothing was ordered.
fn out_of_stock(short: &[ShortLine]) -> AppError {
    let lines: Vec<String> = short
        .iter()
        .map(|line| match line.in_stock {
            0 => format!("{} (out of stock)", line.name),
            n => format!("{} ({} wanted, {n} left)", line.name, line.wanted),
        })
        .collect();
    AppError::Conflict(format!(
        "Sorry, there is not enough stock for: {}. Nothing was ordered; please change \
         your basket and try again.",
        lines.join("; ")
    ))
}

fn stale_form(state: &AppState) -> HttpResponse {
    state.redirect_with(
        "/basket",
        &Flash::error(
            "That checkout form is out of date. Please check your basket and check out again.",
        ),
    )
}
