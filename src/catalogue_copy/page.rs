//! A page of the catalogue, as read from the database.

use std::sync::OnceLock;

use crate::db::models::category::{self, Category};
use crate::db::models::product::{self, Product, Scope};
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

/// Reads page `number` (1-based) of the active products in `scope` (a category, a
/// search). One statement: a row past the page tells whether another follows.
pub fn read_page(
    conn: &mut DbConnection,
    scope: Scope<'_>,
    number: i64,
) -> QueryResult<CataloguePage> {
    let offset = number.saturating_sub(1).saturating_mul(PAGE_SIZE);
    let mut products = product::active_page(conn, scope, offset, PAGE_SIZE + 1)?;
    let shown = usize::try_from(PAGE_SIZE).unwrap_or(usize::MAX);
    let has_next = products.len() > shown;
    products.truncate(shown);
    Ok(CataloguePage::new(products, has_next))
}

/// The categories and which products are in each, as the catalogue's pages show them
/// (the list of categories, a product's links): read with one statement, kept with the
/// pages.
#[derive(Debug, Default)]
pub struct CategoryIndex {
    pub categories: Vec<Category>,
    memberships: Vec<(i64, i64)>,
}

impl CategoryIndex {
    pub fn read(conn: &mut DbConnection) -> QueryResult<Self> {
        let mut index = Self::default();
        for (category, members) in category::all_with_members(conn)? {
            let id = category.id;
            index
                .memberships
                .extend(members.into_iter().map(|product| (id, product)));
            index.categories.push(category);
        }
        Ok(index)
    }

    pub fn by_slug(&self, slug: &str) -> Option<&Category> {
        self.categories
            .iter()
            .find(|category| category.slug == slug)
    }

    /// The categories product `id` is in, by name.
    pub fn of_product(&self, id: i64) -> Vec<&Category> {
        self.categories
            .iter()
            .filter(|category| self.memberships.contains(&(category.id, id)))
            .collect()
    }
}
