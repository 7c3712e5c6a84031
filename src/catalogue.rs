//! The catalogue's pages, and a copy of the pages asked for lately kept in memory for a moment so
//! that the most viewed page does not re-read it.
//!
//! Pages show stock as a hint ("Only 3 left"); adding to a basket and checking out always
//! check the database. So the copy may be a little old: at most `max_age`, and this
//! instance drops it at once when it changes stock or products itself (a checkout, a
//! cancellation, an admin's edit). Other instances' changes show within `max_age`.
//!
//! The copy holds pages, not the catalogue: the pages and searches asked for lately, at
//! most [`MAX_CACHED_PAGES`] of at most 25 products each, so it stays bounded whatever the
//! size of the catalogue, and one indexed statement (`LIMIT`/`OFFSET` on the
//! `(active, id)` index) refreshes a page.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
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

/// Which page: a search (or none) and a page number.
type PageKey = (Option<String>, i64);

/// How many pages the copy holds at most. A page is at most 25 products, so the copy
/// stays within a few megabytes whatever the size of the catalogue.
pub const MAX_CACHED_PAGES: usize = 1024;

pub struct CatalogueCache {
    max_age: Duration,
    pages: RwLock<HashMap<PageKey, (Instant, Arc<CataloguePage>)>>,
    /// Stale pages being read again, and since when: one request reads a stale page again
    /// while the others are served the stale copy, instead of all of them going to the
    /// database at the same moment (once every `max_age` on a busy page). A claim older
    /// than `max_age` (its request failed, say) lapses, so another request takes it on.
    refreshing: Mutex<HashMap<PageKey, Instant>>,
}

impl CatalogueCache {
    pub fn new(max_age: Duration) -> Self {
        Self {
            max_age,
            pages: RwLock::new(HashMap::new()),
            refreshing: Mutex::new(HashMap::new()),
        }
    }

    /// A page to serve without the database: the fresh copy, or the stale one while
    /// another request reads it again. `None` means the caller reads the page (with
    /// [`CatalogueCache::page`]), which it has claimed when the copy was stale.
    pub fn servable_at(&self, query: Option<&str>, number: i64) -> Option<Arc<CataloguePage>> {
        let key = (query.map(str::to_owned), number);
        let page = {
            let pages = self.pages.read().ok()?;
            let (loaded, page) = pages.get(&key)?;
            if loaded.elapsed() < self.max_age {
                return Some(Arc::clone(page));
            }
            Arc::clone(page)
        };
        let mut refreshing = self.refreshing.lock().ok()?;
        match refreshing.get(&key) {
            Some(since) if since.elapsed() < self.max_age => Some(page),
            _ => {
                refreshing.insert(key, Instant::now());
                None
            }
        }
    }

    fn refreshed(&self, key: &PageKey) {
        if let Ok(mut refreshing) = self.refreshing.lock() {
            refreshing.remove(key);
        }
    }

    fn fresh_page(&self, key: &PageKey) -> Option<Arc<CataloguePage>> {
        let pages = self.pages.read().ok()?;
        pages
            .get(key)
            .filter(|(loaded, _)| loaded.elapsed() < self.max_age)
            .map(|(_, page)| Arc::clone(page))
    }

    /// The front page, if the copy is fresh enough.
    pub fn fresh(&self) -> Option<Arc<CataloguePage>> {
        self.fresh_page(&(None, 1))
    }

    /// The front page: the fresh copy, or read again from the database.
    pub fn get(&self, conn: &mut DbConnection) -> QueryResult<Arc<CataloguePage>> {
        self.page(conn, None, 1)
    }

    /// A page: the fresh copy, or read again from the database (one statement) and kept.
    /// When the copy is full, stale pages go first, then any page.
    pub fn page(
        &self,
        conn: &mut DbConnection,
        query: Option<&str>,
        number: i64,
    ) -> QueryResult<Arc<CataloguePage>> {
        let key = (query.map(str::to_owned), number);
        if let Some(page) = self.fresh_page(&key) {
            return Ok(page);
        }
        let loaded = Instant::now();
        let read = read_page(conn, query, number);
        self.refreshed(&key);
        let page = Arc::new(read?);
        if let Ok(mut pages) = self.pages.write() {
            if pages.len() >= MAX_CACHED_PAGES && !pages.contains_key(&key) {
                pages.retain(|_, (at, _)| at.elapsed() < self.max_age);
                if pages.len() >= MAX_CACHED_PAGES {
                    let victim = pages.keys().next().cloned();
                    if let Some(victim) = victim {
                        pages.remove(&victim);
                    }
                }
            }
            pages.insert(key, (loaded, Arc::clone(&page)));
        }
        Ok(page)
    }

    /// Forgets the copy (after this instance changed stock or products).
    pub fn invalidate(&self) {
        if let Ok(mut pages) = self.pages.write() {
            pages.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_page_is_read_again_by_one_request_while_the_others_get_the_stale_copy() {
        let cache = CatalogueCache::new(Duration::from_millis(20));
        let page = Arc::new(CataloguePage {
            products: Vec::new(),
            has_next: false,
        });
        let key: PageKey = (None, 1);
        let loaded = Instant::now();
        if let Ok(mut pages) = cache.pages.write() {
            pages.insert(key.clone(), (loaded, Arc::clone(&page)));
        }
        assert!(cache.servable_at(None, 1).is_some(), "fresh: served");

        std::thread::sleep(Duration::from_millis(30));
        assert!(
            cache.servable_at(None, 1).is_none(),
            "stale: the first reads it again"
        );
        assert!(
            cache.servable_at(None, 1).is_some(),
            "the others get the stale copy"
        );
        assert!(
            cache.servable_at(None, 2).is_none(),
            "a page not in the copy is read"
        );

        cache.refreshed(&key);
        assert!(
            cache.servable_at(None, 1).is_none(),
            "still stale: read again"
        );
        std::thread::sleep(Duration::from_millis(30));
        assert!(
            cache.servable_at(None, 1).is_none(),
            "a lapsed claim is taken over"
        );
    }
}
