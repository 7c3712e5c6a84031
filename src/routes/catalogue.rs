//! GET / and GET /products/{id}.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::views::ProductView;
use crate::db::models::{basket, product};
use crate::db::DbConnection;
use crate::domain::ProductId;
use crate::errors::AppError;
use crate::session::{BasketId, TypedSession};
use crate::startup::AppState;

/// The number of items in the shopper's basket, for the header.
pub fn basket_count(conn: &mut DbConnection, basket: Option<&BasketId>) -> Result<i64, AppError> {
    Ok(match basket {
        Some(basket) => basket::item_count(conn, basket)?,
        None => 0,
    })
}

pub async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
) -> Result<HttpResponse, AppError> {
    let basket = session.basket_id();
    let (products, count) = state
        .db
        .run(move |conn| {
            Ok::<_, AppError>((product::all(conn)?, basket_count(conn, basket.as_ref())?))
        })
        .await?;
    let products: Vec<ProductView> = products.into_iter().map(ProductView::from).collect();
    let mut context = tera::Context::new();
    context.insert("products", &products);
    context.insert("basket_count", &count);
    state.render(&req, StatusCode::OK, "catalogue.html", context)
}

pub async fn product(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = ProductId::parse(&path).map_err(|_| AppError::NotFound)?;
    let basket = session.basket_id();
    let (product, count) = state
        .db
        .run(move |conn| {
            Ok::<_, AppError>((
                product::find(conn, id.get())?,
                basket_count(conn, basket.as_ref())?,
            ))
        })
        .await?;
    let product = ProductView::from(product.ok_or(AppError::NotFound)?);
    let mut context = tera::Context::new();
    context.insert("product", &product);
    context.insert("basket_count", &count);
    state.render(&req, StatusCode::OK, "product.html", context)
}
