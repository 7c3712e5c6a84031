//! Where a basket change sends the shopper back to: the page the change came from (a
//! local `next` path only, so the form is no open redirect), and the page a refused
//! change answers with (409), drawn with the message at the top and the line marked.

use actix_session::SessionExt;
use actix_web::http::StatusCode;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};

use super::{basket, catalogue};
use crate::db::models::product::Product;
use crate::session::TypedSession;
use crate::web::{AppError, AppState, PageNotice};

/// The page a form came from, when `next` is a path on this site: one leading `/` (not
/// `//` or `/\`, which browsers read as another host), printable ASCII without `\`, and
/// at most 500 characters. The fragment is dropped. Anything else is `None`.
pub fn local_path(next: Option<&str>) -> Option<String> {
    let next = next?.split('#').next()?;
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && next.len() <= 500
        && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    local.then(|| next.to_owned())
}

/// The page a `next` path names, as far as adding to the basket cares.
#[derive(Debug, PartialEq, Eq)]
enum Origin {
    Catalogue,
    Product(String),
    Other,
}

fn origin(next: &str) -> Origin {
    let path = next.split('?').next().unwrap_or_default();
    match path.strip_prefix("/products/") {
        _ if path == "/" => Origin::Catalogue,
        Some(id) if !id.is_empty() && !id.contains('/') => Origin::Product(id.to_owned()),
        _ => Origin::Other,
    }
}

/// Where a successful add goes: back to the catalogue or product page at the product's
/// card (so that a phone does not scroll back to the top), any other local page as it is,
/// or the basket.
pub fn after_add(next: Option<&str>, product_id: i64) -> String {
    match next {
        Some(next) if origin(next) == Origin::Other => next.to_owned(),
        Some(next) => format!("{next}#product-{product_id}"),
        None => "/basket".to_owned(),
    }
}

/// The product's name, from the catalogue copy in memory (read again only when stale).
pub async fn product_name(state: &AppState, product_id: i64) -> Result<Option<String>, AppError> {
    let name = |products: &[Product]| {
        products
            .iter()
            .find(|product| product.id == product_id)
            .map(|product| product.name.clone())
    };
    if let Some(products) = state.catalogue.fresh() {
        return Ok(name(&products));
    }
    let catalogue = std::sync::Arc::clone(&state.catalogue);
    let products = state
        .db
        .run(move |conn| Ok::<_, AppError>(catalogue.get(conn)?))
        .await?;
    Ok(name(&products))
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
    let origin = origin(&here);
    req.extensions_mut().insert(PageNotice {
        message,
        product_id,
        here,
    });
    let session = TypedSession::from_session(req.get_session());
    let mut page = match origin {
        Origin::Catalogue => catalogue::index(req, state, session).await?,
        Origin::Product(id) => catalogue::product(req, state, session, web::Path::from(id)).await?,
        Origin::Other => basket::show(req, state, session).await?,
    };
    *page.status_mut() = StatusCode::CONFLICT;
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        for good in ["/", "/?page=2", "/products/3", "/basket"] {
            assert_eq!(local_path(Some(good)).as_deref(), Some(good), "{good}");
        }
        assert_eq!(local_path(Some("/#top")).as_deref(), Some("/"));
        for bad in [
            "",
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil.example",
            "/a b",
            "/\u{e9}",
        ] {
            assert_eq!(local_path(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(local_path(None), None);
    }

    #[test]
    fn an_add_goes_back_to_the_products_card() {
        assert_eq!(after_add(Some("/"), 4), "/#product-4");
        assert_eq!(after_add(Some("/products/4"), 4), "/products/4#product-4");
        assert_eq!(after_add(Some("/basket"), 4), "/basket");
        assert_eq!(after_add(None, 4), "/basket");
    }
}
