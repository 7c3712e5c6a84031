//! The storefront: GET / (a page of the catalogue, or a search) and GET /products/{id}.

use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use serde::Deserialize;

use std::sync::Arc;

use super::views::ProductView;
use crate::catalogue_copy::CataloguePage;
use crate::db::models::basket::SessionBasket;
use crate::db::models::product::{self, Product};
use crate::domain::ProductId;
use crate::session::TypedSession;
use crate::web::{note_basket_count, AppError, AppState, PageNotice, PageNumber};

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
        let number = PageNumber::parse(params.page.as_deref())?.get();
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

/// The page and the header's basket count, in one trip to the database at most: a page
/// the copy holds costs none when the session's load read the basket (or there is none).
/// A page due to be read again is read in the background (see [`crate::catalogue_copy`]).
async fn page_and_count(
    state: &AppState,
    request: PageRequest,
    basket: SessionBasket,
) -> Result<(Arc<CataloguePage>, i64), AppError> {
    let (query, number) = (request.query.as_deref(), request.number);
    let servable = state.catalogue_copy.servable(&state.db, query, number);
    if let (Some(page), Some(count)) = (&servable, basket.known_count()) {
        return Ok((Arc::clone(page), count));
    }
    let catalogue = Arc::clone(&state.catalogue_copy);
    state
        .db
        .query(move |conn| {
            let page = match servable {
                Some(page) => page,
                None => catalogue.page(conn, request.query.as_deref(), request.number)?,
            };
            Ok((page, basket.count(conn)?))
        })
        .await
        .map_err(AppError::from)
}

/// The page's product grid as this visitor sees it: drawn once per copy of the page and
/// shared, unless this answer marks a product (a refused add), when the page draws it.
fn product_grid(
    req: &HttpRequest,
    state: &AppState,
    page: &CataloguePage,
    query: Option<&str>,
) -> Result<String, AppError> {
    if req.extensions().get::<PageNotice>().is_some() {
        return Ok(String::new());
    }
    let drawn = match page.drawn.get() {
        Some(drawn) => drawn,
        None => {
            let mut context = tera::Context::new();
            context.insert("products", &product_views(page));
            context.insert("query", &query);
            let drawn = state.render_shared("partials/product_grid.html", context)?;
            page.drawn.get_or_init(|| drawn)
        }
    };
    Ok(state.fill_shared(req, drawn))
}

fn product_views(page: &CataloguePage) -> Vec<ProductView> {
    page.products
        .iter()
        .cloned()
        .map(ProductView::from)
        .collect()
}

pub async fn index(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    params: web::Query<CatalogueParams>,
) -> Result<HttpResponse, AppError> {
    let request = PageRequest::try_from(&params.into_inner())?;
    // Past the end of any catalogue Trolley serves: 404 without a query.
    if request.number >= PageNumber::MAX {
        return Err(AppError::NotFound);
    }
    let (number, query) = (request.number, request.query.clone());
    let (page, count) = page_and_count(&state, request, session.basket()).await?;
    if page.products.is_empty() && number > 1 {
        return Err(AppError::NotFound);
    }
    let mut context = tera::Context::new();
    let grid = product_grid(&req, &state, &page, query.as_deref())?;
    if grid.is_empty() {
        context.insert("products", &product_views(&page));
    }
    // A flag, not the grid, for the template's test: Tera escapes a string it tests.
    context.insert("grid_drawn", &!grid.is_empty());
    context.insert("product_grid", &grid);
    note_basket_count(&req, count);
    context.insert("page", &number);
    context.insert("has_next", &page.has_next);
    context.insert("query", &query);
    state.render(&req, StatusCode::OK, "catalogue.html", context)
}

/// A product on sale and the basket count: from the front page's copy when it is there.
async fn product_and_count(
    state: &AppState,
    id: i64,
    basket: SessionBasket,
) -> Result<(Option<Product>, i64), AppError> {
    let cached = move |page: &CataloguePage| page.products.iter().find(|p| p.id == id).cloned();
    let front = state.catalogue_copy.servable(&state.db, None, 1);
    if let (Some(product), Some(count)) = (front.and_then(|p| cached(&p)), basket.known_count()) {
        return Ok((Some(product), count));
    }
    let catalogue = Arc::clone(&state.catalogue_copy);
    state
        .db
        .query(move |conn| {
            let front = catalogue.get(conn)?;
            let product = match cached(&front) {
                Some(product) => Some(product),
                None => product::find_active(conn, id)?,
            };
            Ok((product, basket.count(conn)?))
        })
        .await
        .map_err(AppError::from)
}

pub async fn product(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = ProductId::parse(&path).map_err(|_| AppError::NotFound)?;
    let (product, count) = product_and_count(&state, id.get(), session.basket()).await?;
    let product = ProductView::from(product.ok_or(AppError::NotFound)?);
    let mut context = tera::Context::new();
    context.insert("product", &product);
    note_basket_count(&req, count);
    state.render(&req, StatusCode::OK, "product.html", context)
}
