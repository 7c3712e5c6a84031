//! A page of the catalogue, as read from the database.

use std::sync::OnceLock;

use crate::db::models::product::{self, Product};
use crate::db::{DbConnection, QueryResult};

/// Products on a page of the catalogue.
pub const PAGE_SIZE: i64 = 24;

/// One page of active products, in id order.
#[derive(Debug)]
pub struct CataloguePage {
    pub products: Vec<Product>,
    /// Whether a page follows this one.
    pub has_next: bool,
    /// The page's product grid as drawn for every visitor, once a request drew it.
    pub drawn: OnceLock<String>,
}

impl CataloguePage {
    pub fn new(products: Vec<Product>, has_next: bool) -> Self {
        Self {
            products,
            has_next,
            drawn: OnceLock::new(),
        }
    }

    /// Whether both show the same products: a page read again that is the same as the
    /// copy keeps the copy, and so its drawn grid.
    pub fn same_as(&self, other: &CataloguePage) -> bool {
        self.has_next == other.has_next && self.products == other.products
    }
}

/// Reads page `number` (1-based) of the active products whose name contains `query`.
/// One statement: a row past the page tells whether another follows.
pub fn read_page(
    conn: &mut DbConnection,
    query: Option<&str>,
    number: i64,
) -> QueryResult<CataloguePage> {
    let offset = number.saturating_sub(1).saturating_mul(PAGE_SIZE);
    let mut products = product::active_page(conn, query, offset, PAGE_SIZE + 1)?;
    let shown = usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX);
    let has_next = products.len() > shown;
    products.truncate(shown);
    Ok(CataloguePage::new(products, has_next))
}
