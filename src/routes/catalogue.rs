//! GET / (a page of the catalogue, or a search) and GET /products/{id}.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use std::sync::Arc;

use super::views::ProductView;
use crate::catalogue::CataloguePage;
use crate::db::models::basket;
use crate::db::models::product::{self, Product};
use crate::domain::{BasketId, ProductId};
use crate::session::TypedSession;
use crate::web::{AppError, AppState};

/// Pages past this are past the end of any catalogue Trolley serves: 404 without a query.
const MAX_PAGE: i64 = 1_000_000;
/// The longest search accepted.
const MAX_QUERY_CHARS: usize = 100;

#[derive(Debug, Default, Deserialize)]
pub struct CatalogueParams {
    page: Option<String>,
    q: Option<String>,
}

/// What GET / asks for: a page number from 1, and maybe a search.
struct PageRequest {
    number: i64,
    query: Option<String>,
}

impl TryFrom<&CatalogueParams> for PageRequest {
    type Error = AppError;

    fn try_from(params: &CatalogueParams) -> Result<Self, AppError> {
        let number = match params.page.as_deref().map(str::trim) {
            None | Some("") => 1,
            // A number too large for i64 is still a number: a page past the last.
            Some(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
                Some(text.parse::<i64>().unwrap_or(i64::MAX))
                    .filter(|page| *page >= 1)
                    .ok_or_else(|| {
                        AppError::BadRequest("page must be a whole number from 1.".into())
                    })?
            }
            Some(_) => {
                return Err(AppError::BadRequest(
                    "page must be a whole number from 1.".into(),
                ))
            }
        };
        let query = params.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        if query.is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS) {
            return Err(AppError::BadRequest(format!(
                "A search can be at most {MAX_QUERY_CHARS} characters."
            )));
        }
        Ok(Self {
            number,
            query: query.map(str::to_owned),
        })
    }
}

/// The page and the header's basket count, in one trip to the database at most: an
/// anonymous visitor on a page the copy holds fresh costs none.
async fn page_and_count(
    state: &AppState,
    request: PageRequest,
    basket: Option<BasketId>,
) -> Result<(Arc<CataloguePage>, i64), AppError> {
    let cached = state
        .catalogue
        .servable_at(request.query.as_deref(), request.number);
    if let (Some(page), None) = (cached, &basket) {
        return Ok((page, 0));
    }
    let catalogue = Arc::clone(&state.catalogue);
    state
        .db
        .run(move |conn| {
            let page = catalogue.page(conn, request.query.as_deref(), request.number)?;
            Ok::<_, AppError>((page, basket::count_for(conn, basket.as_ref())?))
        })
        .await
}

pub async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    params: web::Query<CatalogueParams>,
) -> Result<HttpResponse, AppError> {
    let request = PageRequest::try_from(&params.into_inner())?;
    if request.number > MAX_PAGE {
        return Err(AppError::NotFound);
    }
    let (number, query) = (request.number, request.query.clone());
    let (page, count) = page_and_count(&state, request, session.basket_id()).await?;
    if page.products.is_empty() && number > 1 {
        return Err(AppError::NotFound);
    }
    let products: Vec<ProductView> = page
        .products
        .iter()
        .cloned()
        .map(ProductView::from)
        .collect();
    let mut context = tera::Context::new();
    context.insert("products", &products);
    context.insert("basket_count", &count);
    context.insert("page", &number);
    context.insert("has_next", &page.has_next);
    context.insert("query", &query);
    state.render(&req, StatusCode::OK, "catalogue.html", context)
}

/// A product on sale and the basket count: from the front page's copy when it is there.
async fn product_and_count(
    state: &AppState,
    id: i64,
    basket: Option<BasketId>,
) -> Result<(Option<Product>, i64), AppError> {
    let cached = move |page: &CataloguePage| page.products.iter().find(|p| p.id == id).cloned();
    let front = state.catalogue.servable_at(None, 1);
    if let (Some(product), None) = (front.and_then(|p| cached(&p)), &basket) {
        return Ok((Some(product), 0));
    }
    let catalogue = Arc::clone(&state.catalogue);
    state
        .db
        .run(move |conn| {
            let front = catalogue.get(conn)?;
            let product = match cached(&front) {
                Some(product) => Some(product),
                None => product::find_active(conn, id)?,
            };
            Ok::<_, AppError>((product, basket::count_for(conn, basket.as_ref())?))
        })
        .await
}

pub async fn product(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = ProductId::parse(&path).map_err(|_| AppError::NotFound)?;
    let (product, count) = product_and_count(&state, id.get(), session.basket_id()).await?;
    let product = ProductView::from(product.ok_or(AppError::NotFound)?);
    let mut context = tera::Context::new();
    context.insert("product", &product);
    context.insert("basket_count", &count);
    state.render(&req, StatusCode::OK, "product.html", context)
}
