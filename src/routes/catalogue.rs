//! GET / and GET /products/{id}.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use std::sync::Arc;

use super::views::ProductView;
use crate::db::models::basket;
use crate::db::models::product::Product;
use crate::domain::{BasketId, ProductId};
use crate::session::TypedSession;
use crate::web::{AppError, AppState};

/// The catalogue and the header's basket count, in one trip to the database at most: an
/// anonymous visitor with a fresh catalogue costs none.
async fn products_and_count(
    state: &AppState,
    basket: Option<BasketId>,
) -> Result<(Arc<Vec<Product>>, i64), AppError> {
    match (state.catalogue.fresh(), basket) {
        (Some(products), None) => Ok((products, 0)),
        (_, basket) => {
            let catalogue = Arc::clone(&state.catalogue);
            state
                .db
                .run(move |conn| {
                    Ok::<_, AppError>((
                        catalogue.get(conn)?,
                        basket::count_for(conn, basket.as_ref())?,
                    ))
                })
                .await
        }
    }
}

pub async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
) -> Result<HttpResponse, AppError> {
    let (products, count) = products_and_count(&state, session.basket_id()).await?;
    let products: Vec<ProductView> = products.iter().cloned().map(ProductView::from).collect();
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
    let (products, count) = products_and_count(&state, session.basket_id()).await?;
    let product = products
        .iter()
        .find(|product| product.id == id.get())
        .cloned()
        .ok_or(AppError::NotFound)?;
    let product = ProductView::from(product);
    let mut context = tera::Context::new();
    context.insert("product", &product);
    context.insert("basket_count", &count);
    state.render(&req, StatusCode::OK, "product.html", context)
}
