//! GET /basket (`page`), POST /basket/items, POST /basket/items/{product_id}.

mod page;

use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::return_to::{self, Origin};
use super::storefront::{self, CatalogueParams};
use crate::db::models::basket::{self, BasketChange, ChangeOutcome, LineChange};
use crate::db::models::product::Product;
use crate::db::models::unix_now;
use crate::domain::{OrderToken, ProductId, Quantity};
use crate::session::TypedSession;
use crate::web::form::required;
use crate::web::{AppError, AppState, Flash, Form, PageNotice};

pub use page::{lines, note_prices_seen, show};

/// The fields of the catalogue's and product page's add form.
#[derive(Debug, Deserialize)]
pub struct AddFields {
    product_id: Option<String>,
    quantity: Option<String>,
    /// The page the form is on, to go back to (see [`return_to::local_path`]).
    next: Option<String>,
}

/// What the add form asks for.
struct AddLine {
    product_id: ProductId,
    quantity: Quantity,
}

impl TryFrom<AddFields> for AddLine {
    type Error = AppError;

    fn try_from(fields: AddFields) -> Result<Self, AppError> {
        let product_id = required(fields.product_id, "product_id")?;
        let quantity = required(fields.quantity, "quantity")?;
        Ok(Self {
            product_id: ProductId::parse(&product_id).map_err(AppError::BadRequest)?,
            quantity: Quantity::parse_to_add(&quantity).map_err(AppError::BadRequest)?,
        })
    }
}

/// Adds to the basket, then goes back to the page the form was on (the basket when it
/// does not say); a refusal answers 409 with that page.
pub async fn add(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    form: Form<AddFields>,
) -> Result<HttpResponse, AppError> {
    let mut fields = form.into_inner();
    let next = return_to::local_path(fields.next.take().as_deref());
    let AddLine {
        product_id,
        quantity,
    } = fields.try_into()?;
    let change = LineChange::Add(quantity.get());
    match change_line(&state, &session, product_id, change).await {
        Err(AppError::Conflict(message)) => {
            let next = next.as_deref();
            return refused_page(req, state, next, product_id.get(), message).await;
        }
        result => result?,
    }
    let name = return_to::product_name(&state, product_id.get())
        .await?
        .unwrap_or_else(|| "the product".to_owned());
    let message = match quantity.get() {
        1 => format!("Added the {name} to your basket."),
        n => format!("Added {n} of the {name} to your basket."),
    };
    let location = return_to::after_add(next.as_deref(), product_id.get());
    Ok(state.redirect_with(&location, &Flash::info(message).with_basket_link()))
}

/// The fields of a basket line's update and remove forms (on the basket page, and the
/// fixes checkout offers for a line that cannot be ordered).
#[derive(Debug, Deserialize)]
pub struct SetFields {
    quantity: Option<String>,
    /// Where to go back to: the checkout's fixes say `/checkout`; else the basket.
    next: Option<String>,
}

impl TryFrom<&SetFields> for Quantity {
    type Error = AppError;

    fn try_from(fields: &SetFields) -> Result<Self, AppError> {
        let quantity = required(fields.quantity.clone(), "quantity")?;
        Quantity::parse_to_set(&quantity).map_err(AppError::BadRequest)
    }
}

/// Sets a basket line (0 removes it), back to the basket (or checkout, when the form came
/// from there); a refusal answers 409 with the basket, the line marked.
pub async fn set(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    form: Form<SetFields>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let product_id = ProductId::parse(&path).map_err(|_| AppError::NotFound)?;
    let fields = form.into_inner();
    let quantity = Quantity::try_from(&fields)?;
    let back = match return_to::local_path(fields.next.as_deref()).as_deref() {
        Some("/checkout") => "/checkout",
        _ => "/basket",
    };
    let name = return_to::product_name(&state, product_id.get()).await?;
    let name = name.as_deref().unwrap_or("product");
    if quantity.get() == 0 {
        remove_line(&state, &session, product_id).await?;
        let message = format!("Removed the {name} from your basket.");
        return Ok(state.redirect_with(back, &Flash::info(message)));
    }
    let change = LineChange::Set(quantity.get());
    match change_line(&state, &session, product_id, change).await {
        Err(AppError::Conflict(message)) => {
            return refused_page(req, state, None, product_id.get(), message).await;
        }
        result => result?,
    }
    let message = format!("Updated the {name}: {} in your basket.", quantity.get());
    Ok(state.redirect_with(back, &Flash::info(message)))
}

/// Applies one change to the shopper's basket (see [`basket::apply_change`]). The
/// basket's expiry and the session's move on together, when the session is due for it
/// (see [`TypedSession::due_for_refresh`]).
async fn change_line(
    state: &AppState,
    session: &TypedSession,
    product_id: ProductId,
    change: LineChange,
) -> Result<(), AppError> {
    let now = unix_now();
    let refresh = session.due_for_refresh(state.settings.session_ttl, now);
    let asked = BasketChange {
        existing: session.basket_id(),
        checkout: session.order_token(),
        product_id: product_id.get(),
        change,
        // An account's basket never expires: only a guest's moves on with its session.
        refresh: refresh && session.account().is_none(),
        expires_at: state.session_expiry(),
    };
    let checkout = asked.checkout;
    let outcome = state
        .db
        .query(move |conn| basket::apply_change(conn, asked))
        .await?;
    match outcome {
        // The change went to the account's basket; this request's session was signed in
        // away meanwhile, and is left alone, so that its answer sets no cookie over the
        // signed-in one.
        ChangeOutcome::FollowedMerge => Ok(()),
        ChangeOutcome::Changed { basket, created } => {
            if created || refresh {
                session.set_basket_id(&basket)?;
                session.mark_refreshed(now)?;
            }
            if created && checkout.is_none() {
                // The checkout form's token, made with the basket in the session write
                // this change costs anyway, so that showing the form writes nothing.
                session.set_order_token(OrderToken::generate())?;
            }
            Ok(())
        }
        ChangeOutcome::UnknownProduct => Err(AppError::NotFound),
        ChangeOutcome::CheckedOut => Err(AppError::Conflict(
            "Your basket was just checked out in another window, so nothing was added. \
             Please add it again for a new order."
                .into(),
        )),
        ChangeOutcome::Refused { product, wanted } => Err(refusal(&product, wanted)),
    }
}

/// A refused line change: the line would pass the stock or 99 (409).
fn refusal(product: &Product, wanted: i32) -> AppError {
    AppError::Conflict(if wanted > Quantity::MAX {
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
    })
}

async fn remove_line(
    state: &AppState,
    session: &TypedSession,
    product_id: ProductId,
) -> Result<(), AppError> {
    let basket = session.basket_id();
    let product_id = product_id.get();
    let known = state
        .db
        .query(move |conn| basket::remove_product(conn, basket.as_ref(), product_id))
        .await?;
    if known {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// A refused change (409): the page the shopper was on (`next`: the catalogue or a
/// product page; otherwise the basket), with the message at the top and the product's
/// line or form marked.
pub async fn refused_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    next: Option<&str>,
    product_id: i64,
    message: String,
) -> Result<HttpResponse, AppError> {
    let here = next.unwrap_or("/basket").to_owned();
    let origin = return_to::origin(&here);
    let here_query = here.split_once('?').map(|(_, query)| query.to_owned());
    req.extensions_mut().insert(PageNotice {
        message,
        product_id,
        here,
    });
    let session = TypedSession::for_request(&req);
    let mut page = match origin {
        Origin::Catalogue => {
            // The catalogue page the shopper was on: its `page` and `q` from `next`.
            let query = here_query.as_deref().unwrap_or_default();
            let params = web::Query::<CatalogueParams>::from_query(query)
                .unwrap_or_else(|_| web::Query(CatalogueParams::default()));
            storefront::index(req, state, session, params).await?
        }
        Origin::Product(id) => {
            storefront::product(req, state, session, web::Path::from(id)).await?
        }
        Origin::Other => show(req, state, session).await?,
    };
    *page.status_mut() = StatusCode::CONFLICT;
    Ok(page)
}
