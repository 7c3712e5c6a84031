//! Where a basket change sends the shopper back to: the page the change came from (a
//! local `next` path only, so the form is no open redirect), and what that page is.

use crate::db::models::product;
use crate::web::{AppError, AppState};

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
pub enum Origin {
    Catalogue,
    Product(String),
    Other,
}

pub fn origin(next: &str) -> Origin {
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

/// The product's name: from the front page's copy in memory when it is there (as fresh as
/// the pages are), otherwise from the database.
pub async fn product_name(state: &AppState, product_id: i64) -> Result<Option<String>, AppError> {
    let front = state
        .catalogue_copy
        .servable(&state.db, Default::default(), 1);
    let cached = front.and_then(|page| {
        page.products
            .iter()
            .find(|product| product.id == product_id)
            .map(|product| product.name.clone())
    });
    if cached.is_some() {
        return Ok(cached);
    }
    state
        .db
        .query(move |conn| {
            let found = product::find(conn, product_id)?;
            Ok(found.map(|product| product.name))
        })
        .await
        .map_err(AppError::from)
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
