//! The catalogue's pages, and a copy of its front page kept in memory for a moment so
//! that the most viewed page does not re-read it.
//!
//! Pages show stock as a hint ("Only 3 left"); adding to a basket and checking out always
//! check the database. So the copy may be a little old: at most `max_age`, and this
//! instance drops it at once when it changes stock or products itself (a checkout, a
//! cancellation, an admin's edit). Other instances' changes show within `max_age`.
//!
//! The copy holds one page (25 rows), whatever the size of the catalogue: it stays small
//! and one indexed statement refreshes it. Other pages and searches are read from the
//! database, a page at a time (`LIMIT`/`OFFSET` on the `(active, id)` index).

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::db::models::product::{self, Product};
use crate::db::{DbConnection, QueryResult};

/// Products on a page of the catalogue.
pub const PAGE_SIZE: i64 = 24;

/// One page of active products, in id order.
#[derive(Debug, Clone)]
pub struct CataloguePage {
    pub products: Vec<Product>,
    /// Whether a page follows this one.
    pub has_next: bool,
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
    let has_next = products.len() > PAGE_SIZE as usize;
    products.truncate(PAGE_SIZE as usize);
    Ok(CataloguePage { products, has_next })
}

pub struct CatalogueCache {
    max_age: Duration,
    entry: RwLock<Option<(Instant, Arc<CataloguePage>)>>,
}

impl CatalogueCache {
    pub fn new(max_age: Duration) -> Self {
        Self {
            max_age,
            entry: RwLock::new(None),
        }
    }

    /// The front page, if the copy is fresh enough.
    pub fn fresh(&self) -> Option<Arc<CataloguePage>> {
        let entry = self.entry.read().ok()?;
        entry
            .as_ref()
            .filter(|(loaded, _)| loaded.elapsed() < self.max_age)
            .map(|(_, page)| Arc::clone(page))
    }

    /// The front page: the fresh copy, or read again from the database.
    pub fn get(&self, conn: &mut DbConnection) -> QueryResult<Arc<CataloguePage>> {
        if let Some(page) = self.fresh() {
            return Ok(page);
        }
        let loaded = Instant::now();
        let page = Arc::new(read_page(conn, None, 1)?);
        if let Ok(mut entry) = self.entry.write() {
            *entry = Some((loaded, Arc::clone(&page)));
        }
        Ok(page)
    }

    /// Forgets the copy (after this instance changed stock or products).
    pub fn invalidate(&self) {
        if let Ok(mut entry) = self.entry.write() {
            *entry = None;
        }
    }
}
