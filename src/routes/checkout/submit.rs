//! POST /checkout: the order placed exactly once, in the contract's order.

use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};

use super::refusal::{self, Refused};
use super::{empty_basket, last_order, receipt_location, CheckoutFields};
use crate::db::models::order::{self, NewOrder, Placement, ShortLine};
use crate::domain::{BasketId, CustomerDetails, FieldErrors, OrderPayment, OrderToken};
use crate::session::TypedSession;
use crate::web::{csrf, see_other, AppError, AppState, Flash, PageNotice, UncheckedForm};

/// Places the order, in the order the contract gives:
/// 1. a token whose order exists already answers with that order, whatever else;
/// 2. CSRF (403), the fields (422), the session's token and a non-empty basket (303);
/// 3. one transaction taking stock, writing the order, emptying the basket (409 when
///    stock is short);
/// 4. the session destroyed, then the receipt.
///
/// A form that passes every check of rule 2 goes straight to the transaction, which keeps
/// rule 1 itself: the order token is unique, so a second order with it fails and answers
/// with the first, and a transaction that finds nothing to order (the basket emptied by
/// the first) looks the token up before answering. Only a form that fails a check of rule
/// 2 is looked up first, so that rule 1 still comes before that check's answer.
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    form: UncheckedForm<CheckoutFields>,
) -> Result<HttpResponse, AppError> {
    let fields = form.fields;
    let token = OrderToken::parse(&fields.order_token);
    let csrf = csrf::verify(&req, &state.cookie_key, form.csrf_token.as_deref());
    let customer = fields.customer(state.settings.country);
    let ready = match (token, session.basket_id(), &csrf, &customer) {
        (Some(token), Some(basket), Ok(()), Ok(customer))
            if session.order_token() == Some(token) =>
        {
            Some((token, basket, customer.clone()))
        }
        _ => None,
    };
    let Some((token, basket, customer)) = ready else {
        if let Some(token) = token {
            if already_placed(&state, token).await? {
                state.metrics.checkouts().replayed();
                return Ok(see_other(&receipt_location(token)));
            }
        }
        if let Err(error) = csrf {
            return csrf_refused(&req, &state, &session, error).await;
        }
        return match customer {
            Err(errors) => {
                let refused = Refused {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    errors,
                    message: None,
                };
                refusal::answer(&req, &state, &session, &fields, refused).await
            }
            // No token, not this session's token, or no basket.
            Ok(_) => Ok(stale_form(&state)),
        };
    };

    let placement = place(&req, &state, &session, &fields, token, basket, customer).await?;
    answer(&req, &state, &session, &fields, token, placement).await
}

/// Rule 3: the placing transaction. A guest's session ends with the order, in that
/// transaction; a signed-in shopper's stays signed in, under a new key (see `placed`).
async fn place(
    req: &HttpRequest,
    state: &AppState,
    session: &TypedSession,
    fields: &CheckoutFields,
    token: OrderToken,
    basket: BasketId,
    customer: CustomerDetails,
) -> Result<Placement, AppError> {
    // A form without its version (none has lacked it for a while) is a changed basket:
    // 409 with the basket as it is.
    let version = fields.basket_version.clone();
    let account_id = session.account().map(|account| account.id);
    let session_row =
        crate::session::stored_row(req, &state.cookie_key).filter(|_| account_id.is_none());
    let payments = &state.settings.payments;
    let (mode, deadline) = (payments.mode, payments.deadline);
    let placement = state
        .db
        .query(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            let new_order = NewOrder {
                basket_id: &basket,
                version: &version,
                token,
                customer: &customer,
                now,
                ends_session: session_row.as_deref(),
                account_id,
                payment: OrderPayment::at_placing(mode, now, deadline),
            };
            order::place(conn, &new_order)
        })
        .await?;
    Ok(placement)
}

/// Rule 4: the session destroyed (its CSRF token with it), then the receipt (or the
/// payment). Its row went
/// with the order, in the placing transaction; the cookie goes now. A signed-in shopper
/// stays signed in, under a new key.
/// With Stripe, the shopper goes on to Stripe's page (or, when it cannot be reached, to
/// the receipt, which offers "Pay now").
async fn placed(
    state: &AppState,
    session: &TypedSession,
    token: OrderToken,
) -> Result<HttpResponse, AppError> {
    state.catalogue_copy.invalidate();
    let location = match crate::routes::payments::first_payment_step(state, token).await {
        Some(url) => url,
        None => receipt_location(token),
    };
    let mut response = see_other(&location);
    let mut cookies: Vec<_> = last_order::cookie(state, token).into_iter().collect();
    if session.account().is_some() {
        session.renew_after_order()?;
    } else {
        let secure = state.settings.cookie_secure;
        cookies.extend([session.end_deleted(secure), csrf::removal_cookie(secure)]);
    }
    for cookie in cookies {
        response.add_cookie(&cookie).map_err(AppError::internal)?;
    }
    Ok(response)
}

/// Whether an order was placed with this token already (the back button, the double
/// click): then its receipt is the answer, whatever else the request says.
async fn already_placed(state: &AppState, token: OrderToken) -> Result<bool, AppError> {
    let existing = state
        .db
        .query(move |conn| order::find_by_token(conn, token))
        .await?;
    Ok(existing.is_some())
}

/// Rules 3 and 4's answers, once the placing transaction is done.
async fn answer(
    req: &HttpRequest,
    state: &AppState,
    session: &TypedSession,
    fields: &CheckoutFields,
    token: OrderToken,
    placement: Placement,
) -> Result<HttpResponse, AppError> {
    state.metrics.checkouts().outcome(&placement);
    match placement {
        Placement::Placed => placed(state, session, token).await,
        Placement::AlreadyPlaced => Ok(see_other(&receipt_location(token))),
        Placement::EmptyBasket => empty_basket(req, state, session).await,
        // 409: the form again, with the basket as it is now (the short lines marked), its
        // new version and the message at the top. Nothing was ordered.
        Placement::BasketChanged => {
            let message = "Your basket changed since this page was shown, so nothing was \
                 ordered. Please check your basket below and place the order again.";
            refused(req, state, session, fields, message.to_owned()).await
        }
        Placement::OutOfStock(short) => {
            refused(req, state, session, fields, out_of_stock(&short)).await
        }
        Placement::Unavailable { names, short } => {
            let mut message = format!(
                "Sorry, these are no longer available: {}. Nothing was ordered; please \
                 remove them from your basket and try again.",
                names.join("; ")
            );
            if !short.is_empty() {
                message = format!("{message} {}", out_of_stock(&short));
            }
            refused(req, state, session, fields, message).await
        }
    }
}

/// 409: the form again, with `message` at the top of the page.
async fn refused(
    req: &HttpRequest,
    state: &AppState,
    session: &TypedSession,
    fields: &CheckoutFields,
    message: String,
) -> Result<HttpResponse, AppError> {
    let refused = Refused {
        status: StatusCode::CONFLICT,
        errors: FieldErrors::new(),
        message: Some(message),
    };
    refusal::answer(req, state, session, fields, refused).await
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

/// A checkout whose CSRF check failed: 403. When the browser has neither a session nor a
/// CSRF cookie, its session (and so its basket) expired while the form was open, and there
/// is nothing a forged form could touch: the 403 is then the basket page, empty, saying
/// what happened and offering the way on, rather than the bare refusal.
async fn csrf_refused(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    session: &TypedSession,
    error: AppError,
) -> Result<HttpResponse, AppError> {
    if !session.is_empty() || csrf::cookie_token(req, &state.cookie_key).is_some() {
        return Err(error);
    }
    req.extensions_mut().insert(PageNotice {
        message: "Your session expired while the checkout page was open, so your basket is \
                  empty and nothing was ordered. Please add the products again to check out."
            .to_owned(),
        product_id: 0,
        here: "/basket".to_owned(),
    });
    let fresh = TypedSession::for_request(req);
    let mut page = crate::routes::basket::show(req.clone(), state.clone(), fresh).await?;
    *page.status_mut() = StatusCode::FORBIDDEN;
    Ok(page)
}

fn stale_form(state: &AppState) -> HttpResponse {
    state.redirect_with(
        "/basket",
        &Flash::error(
            "That checkout form is out of date. Please check your basket and check out again.",
        ),
    )
}
