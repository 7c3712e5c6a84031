//! The storefront: GET / (a page of the catalogue, or a search), GET /categories/{slug}
//! (the same for a category) and GET /products/{id}.

use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use serde::Deserialize;

use std::sync::Arc;

use super::views::ProductView;
use crate::catalogue_copy::{CataloguePage, CategoryIndex};
use crate::db::models::basket::SessionBasket;
use crate::db::models::category::Category;
use crate::db::models::product::{self, Product, Scope};
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

/// What a listing asks for: a page number from 1, maybe a search, and the category it is
/// of (none: the whole catalogue).
struct PageRequest {
    number: i64,
    query: Option<String>,
    category: Option<Category>,
}

impl PageRequest {
    fn scope(&self) -> Scope<'_> {
        Scope {
            category: self.category.as_ref().map(|category| category.id),
            query: self.query.as_deref(),
        }
    }
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
            category: None,
        })
    }
}

/// The page, the categories and the header's basket count, in one trip to the database at
/// most: a page the copy holds costs none when the session's load read the basket (or
/// there is none). A page due to be read again is read in the background (see
/// [`crate::catalogue_copy`]).
async fn page_and_count(
    state: &AppState,
    request: &PageRequest,
    basket: SessionBasket,
) -> Result<(Arc<CataloguePage>, Arc<CategoryIndex>, i64), AppError> {
    let (scope, number) = (request.scope(), request.number);
    let servable = state.catalogue_copy.servable(&state.db, scope, number);
    let index = state.catalogue_copy.fresh_index();
    if let (Some(page), Some(index), Some(count)) = (&servable, &index, basket.known_count()) {
        return Ok((Arc::clone(page), Arc::clone(index), count));
    }
    let catalogue = Arc::clone(&state.catalogue_copy);
    let (category, query) = (scope.category, request.query.clone());
    state
        .db
        .query(move |conn| {
            let scope = Scope {
                category,
                query: query.as_deref(),
            };
            let page = match servable {
                Some(page) => page,
                None => catalogue.page(conn, scope, number)?,
            };
            let index = match index {
                Some(index) => index,
                None => catalogue.index(conn)?,
            };
            Ok((page, index, basket.count(conn)?))
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
    listing(&req, &state, &session, request).await
}

/// GET /categories/{slug}: its active products, paged and searched as / is.
pub async fn category(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
    path: web::Path<String>,
    params: web::Query<CatalogueParams>,
) -> Result<HttpResponse, AppError> {
    let mut request = PageRequest::try_from(&params.into_inner())?;
    let index = match state.catalogue_copy.fresh_index() {
        Some(index) => index,
        None => {
            let catalogue = Arc::clone(&state.catalogue_copy);
            state.db.query(move |conn| catalogue.index(conn)).await?
        }
    };
    let found = index.by_slug(&path).cloned().ok_or(AppError::NotFound)?;
    request.category = Some(found);
    listing(&req, &state, &session, request).await
}

/// A page of products (the catalogue's, or a category's), with the categories above.
async fn listing(
    req: &HttpRequest,
    state: &AppState,
    session: &TypedSession,
    request: PageRequest,
) -> Result<HttpResponse, AppError> {
    // Past the end of any catalogue Trolley serves: 404 without a query.
    if request.number >= PageNumber::MAX {
        return Err(AppError::NotFound);
    }
    let (page, index, count) = page_and_count(state, &request, session.basket()).await?;
    if page.products.is_empty() && request.number > 1 {
        return Err(AppError::NotFound);
    }
    let mut context = tera::Context::new();
    let grid = product_grid(req, state, &page, request.query.as_deref())?;
    if grid.is_empty() {
        context.insert("products", &product_views(&page));
    }
    // A flag, not the grid, for the template's test: Tera escapes a string it tests.
    context.insert("grid_drawn", &!grid.is_empty());
    context.insert("product_grid", &grid);
    note_basket_count(req, count);
    context.insert("page", &request.number);
    context.insert("has_next", &page.has_next);
    context.insert("query", &request.query);
    context.insert("categories", &index.categories);
    context.insert("category", &request.category);
    state.render(req, StatusCode::OK, "catalogue.html", context)
}

/// A product on sale, the categories and the basket count: from the copy when it has them.
async fn product_and_count(
    state: &AppState,
    id: i64,
    basket: SessionBasket,
) -> Result<(Option<Product>, Arc<CategoryIndex>, i64), AppError> {
    let cached = move |page: &CataloguePage| page.products.iter().find(|p| p.id == id).cloned();
    let front = state
        .catalogue_copy
        .servable(&state.db, Scope::default(), 1);
    let index = state.catalogue_copy.fresh_index();
    let known = (front.and_then(|p| cached(&p)), &index, basket.known_count());
    if let (Some(product), Some(index), Some(count)) = known {
        return Ok((Some(product), Arc::clone(index), count));
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
            let index = match index {
                Some(index) => index,
                None => catalogue.index(conn)?,
            };
            Ok((product, index, basket.count(conn)?))
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
    let (product, index, count) = product_and_count(&state, id.get(), session.basket()).await?;
    let product = ProductView::from(product.ok_or(AppError::NotFound)?);
    let mut context = tera::Context::new();
    context.insert("categories", &index.of_product(product.id));
    context.insert("product", &product);
    note_basket_count(&req, count);
    state.render(&req, StatusCode::OK, "product.html", context)
}
