//! GET /basket, POST /basket/items, POST /basket/items/{product_id}.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::views::BasketView;
use crate::db::models::basket::{self, LineChange};
use crate::db::models::{product, unix_now};
use crate::db::{is_foreign_key_violation, write_transaction, DbConnection};
use crate::domain::{ProductId, Quantity};
use crate::errors::AppError;
use crate::flash::Flash;
use crate::forms::FormData;
use crate::security::CSRF_FIELD;
use crate::session::{BasketId, TypedSession};
use crate::startup::AppState;

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
) -> Result<HttpResponse, AppError> {
    let lines = match session.basket_id() {
        Some(basket) => {
            state
                .db
                .run(move |conn| Ok::<_, AppError>(basket::lines(conn, &basket)?))
                .await?
        }
        None => Vec::new(),
    };
    let basket = BasketView::new(lines);
    let mut context = tera::Context::new();
    context.insert("basket_count", &basket.count);
    context.insert("basket", &basket);
    state.render(&req, StatusCode::OK, "basket.html", context)
}

pub async fn add(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    form: FormData,
) -> Result<HttpResponse, AppError> {
    state.verify_csrf(&req, form.get(CSRF_FIELD))?;
    let product_id = ProductId::parse(form.require("product_id")?).map_err(AppError::BadRequest)?;
    let quantity =
        Quantity::parse_to_add(form.require("quantity")?).map_err(AppError::BadRequest)?;
    change_line(
        &state,
        &session,
        product_id,
        LineChange::Add(quantity.get()),
    )
    .await?;
    let message = match quantity.get() {
        1 => "Added to your basket.".to_owned(),
        n => format!("Added {n} to your basket."),
    };
    Ok(state.redirect_with("/basket", &Flash::info(message)))
}

pub async fn set(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    path: web::Path<String>,
    form: FormData,
) -> Result<HttpResponse, AppError> {
    state.verify_csrf(&req, form.get(CSRF_FIELD))?;
    let product_id = ProductId::parse(&path).map_err(|_| AppError::NotFound)?;
    let quantity =
        Quantity::parse_to_set(form.require("quantity")?).map_err(AppError::BadRequest)?;
    if quantity.get() == 0 {
        remove_line(&state, &session, product_id).await?;
        return Ok(state.redirect_with("/basket", &Flash::info("Removed from your basket.")));
    }
    change_line(
        &state,
        &session,
        product_id,
        LineChange::Set(quantity.get()),
    )
    .await?;
    Ok(state.redirect_with("/basket", &Flash::info("Your basket is updated.")))
}

/// Applies one change to the shopper's basket, creating the basket on the first change.
/// The change itself is one atomic statement. The basket's expiry and the session's move
/// on together, when the session is due for it (see [`TypedSession::due_for_refresh`]).
async fn change_line(
    state: &AppState,
    session: &TypedSession,
    product_id: ProductId,
    change: LineChange,
) -> Result<(), AppError> {
    let existing = session.basket_id();
    let now = unix_now();
    let refresh = session.due_for_refresh(state.settings.session_ttl, now);
    let expires_at = state.session_expiry();
    let product_id = product_id.get();
    let (basket, created) = state
        .db
        .run(move |conn| {
            if let Some(basket) = existing {
                match basket::change_line(conn, &basket, product_id, change) {
                    Ok(true) => {
                        if refresh {
                            basket::touch(conn, &basket, expires_at)?;
                        }
                        return Ok((basket, false));
                    }
                    Ok(false) => return Err(refusal(conn, Some(&basket), product_id, change)?),
                    // The basket row is gone (checked out in another tab, or expired):
                    // start a new one.
                    Err(error) if is_foreign_key_violation(&error) => {}
                    Err(error) => return Err(error.into()),
                }
            }
            let basket = BasketId::generate();
            let created = write_transaction(conn, |conn| {
                basket::touch(conn, &basket, expires_at)?;
                if basket::change_line(conn, &basket, product_id, change)? {
                    Ok(())
                } else {
                    // Roll back: a refused first change leaves no empty basket behind.
                    Err(diesel::result::Error::RollbackTransaction)
                }
            });
            match created {
                Ok(()) => Ok((basket, true)),
                Err(diesel::result::Error::RollbackTransaction) => {
                    Err(refusal(conn, None, product_id, change)?)
                }
                Err(error) => Err(error.into()),
            }
        })
        .await?;
    if created || refresh {
        session.set_basket_id(&basket)?;
        session.mark_refreshed(now)?;
    }
    Ok(())
}

/// Why a line change was refused: the product is unknown (404), or the line would pass
/// the stock or 99 (409).
fn refusal(
    conn: &mut DbConnection,
    basket: Option<&BasketId>,
    product_id: i64,
    change: LineChange,
) -> Result<AppError, AppError> {
    let Some(product) = product::find(conn, product_id)? else {
        return Ok(AppError::NotFound);
    };
    let wanted = match change {
        LineChange::Set(quantity) => quantity,
        LineChange::Add(quantity) => {
            let in_basket = match basket {
                Some(basket) => basket::lines(conn, basket)?
                    .iter()
                    .find(|line| line.product_id == product_id)
                    .map_or(0, |line| line.quantity),
                None => 0,
            };
            in_basket + quantity
        }
    };
    Ok(AppError::Conflict(if wanted > Quantity::MAX {
        format!(
            "A basket can hold at most {} of one product, so no more {} can go in.",
            Quantity::MAX,
            product.name
        )
    } else if product.stock == 0 {
        format!("Sorry, {} is out of stock.", product.name)
    } else {
        format!(
            "Sorry, we have only {} of {} in stock, and your basket would need {wanted}.",
            product.stock, product.name
        )
    }))
}

async fn remove_line(
    state: &AppState,
    session: &TypedSession,
    product_id: ProductId,
) -> Result<(), AppError> {
    let basket = session.basket_id();
    let product_id = product_id.get();
    state
        .db
        .run(move |conn| {
            let removed = match &basket {
                Some(basket) => basket::remove_line(conn, basket, product_id)?,
                None => false,
            };
            if !removed && product::find(conn, product_id)?.is_none() {
                return Err(AppError::NotFound);
            }
            Ok(())
        })
        .await
}
