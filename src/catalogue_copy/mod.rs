//! The catalogue's pages, and a copy of the pages asked for lately kept in memory so that
//! the pages shoppers view do not re-read the database.
//!
//! Pages show stock as a hint ("Only 3 left"); adding to a basket and checking out always
//! check the database. So the copy may be a little old, but never by more than `max_age`:
//! - this instance drops the copy at once when it changes stock or products itself (a
//!   checkout, a cancellation, an admin's edit);
//! - a watcher (`jobs::catalogue_watch`) looks every half `max_age` whether the products changed in the
//!   database (any instance's change, or SQL by hand): one statement, whatever the number
//!   of pages in the copy. When they did, every page read before becomes stale.
//!
//! So a catalogue that does not change costs no reading at all, however many pages are
//! viewed. A stale page is read again by the first request to see it, in the background
//! while it and the others are served the copy; a page stale for longer than `max_age`
//! (nobody asked for it since) is read before it is served. A `max_age` of zero keeps no
//! copy.
//!
//! The copy holds pages, not the catalogue: at most [`MAX_CACHED_PAGES`] of the pages and
//! searches asked for lately, of at most 24 products each and the grid as drawn, so it
//! stays bounded whatever the size of the catalogue; when full, the page used least
//! lately goes. One statement (`LIMIT`/`OFFSET` on the `(active, id)` index) reads a page.

mod page;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::db::{Db, DbConnection, DbError, QueryResult};

pub use page::{read_page, CataloguePage, CategoryIndex, PAGE_SIZE};

use crate::db::models::product::Scope;

/// Which page: a category (or all), a search (or none) and a page number.
type PageKey = (Option<i64>, Option<String>, i64);

fn key(scope: Scope<'_>, number: i64) -> PageKey {
    (scope.category, scope.query.map(str::to_owned), number)
}

/// How many pages the copy holds at most: a few tens of megabytes with their drawn grids.
pub const MAX_CACHED_PAGES: usize = 1024;

/// What the copy has for a page (see [`CatalogueCopy::lookup`]).
pub struct Lookup {
    /// The copy of the page, when it may be served.
    pub page: Option<Arc<CataloguePage>>,
    /// The caller has claimed the page's reading: it reads the page again, in the
    /// background when it serves `page` meanwhile ([`CatalogueCopy::servable`]).
    pub claimed: bool,
}

struct Entry {
    page: Arc<CataloguePage>,
    /// When its reading started, in microseconds from the cache's `epoch`.
    loaded: u64,
    /// When a request last asked for it, likewise.
    used: AtomicU64,
}

pub struct CatalogueCopy {
    max_age: Duration,
    epoch: Instant,
    pages: RwLock<HashMap<PageKey, Entry>>,
    /// When the watcher last noticed a change, in microseconds from `epoch` (0: never):
    /// pages read before are stale.
    changed: AtomicU64,
    /// The categories, read when the pages were (see [`CategoryIndex`]), and when.
    index: RwLock<Option<(u64, Arc<CategoryIndex>)>>,
    /// Pages being read again, and since when: one request reads a page again while the
    /// others are served the copy, instead of all of them going to the database at the
    /// same moment. A claim older than `max_age` (its reading failed, say) lapses, so
    /// another request takes it on.
    refreshing: Mutex<HashMap<PageKey, Instant>>,
}

impl CatalogueCopy {
    pub fn new(max_age: Duration) -> Self {
        Self {
            max_age,
            epoch: Instant::now(),
            pages: RwLock::new(HashMap::new()),
            changed: AtomicU64::new(0),
            index: RwLock::new(None),
            refreshing: Mutex::new(HashMap::new()),
        }
    }

    pub fn max_age(&self) -> Duration {
        self.max_age
    }

    pub(crate) fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_micros())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// Marks every page whose reading started before `at` stale (the watcher noticed a
    /// change in a look that started then).
    pub(crate) fn changed_since(&self, at: u64) {
        self.changed.fetch_max(at, Ordering::AcqRel);
    }

    /// What to serve for a page without the database:
    /// - read since the last change: the copy;
    /// - stale for less than `max_age`: the copy, and the first caller claims its reading;
    /// - stale for longer: the first caller claims its reading and gets no page (it reads
    ///   the page now), the others get the copy while it does;
    /// - not in the copy: no page and no claim (the caller reads it).
    pub fn lookup(&self, scope: Scope<'_>, number: i64) -> Lookup {
        let key = key(scope, number);
        let now = self.now();
        let copy = self.pages.read().ok().and_then(|pages| {
            let entry = pages.get(&key)?;
            entry.used.store(now, Ordering::Relaxed);
            Some((entry.loaded, Arc::clone(&entry.page)))
        });
        let Some((loaded, page)) = copy else {
            return Lookup {
                page: None,
                claimed: false,
            };
        };
        let changed = self.changed.load(Ordering::Acquire);
        if loaded > changed {
            return Lookup {
                page: Some(page),
                claimed: false,
            };
        }
        let stale_for = Duration::from_micros(now.saturating_sub(changed));
        let claimed = self.claim(key);
        let page = (stale_for < self.max_age || !claimed).then_some(page);
        Lookup { page, claimed }
    }

    fn claim(&self, key: PageKey) -> bool {
        let Ok(mut refreshing) = self.refreshing.lock() else {
            return false;
        };
        match refreshing.get(&key) {
            Some(since) if since.elapsed() < self.max_age => false,
            _ => {
                refreshing.insert(key, Instant::now());
                true
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
        let changed = self.changed.load(Ordering::Acquire);
        pages
            .get(key)
            .filter(|entry| entry.loaded > changed)
            .map(|entry| Arc::clone(&entry.page))
    }

    /// A page to serve without waiting for the database (see [`CatalogueCopy::lookup`]),
    /// having it read again in the background when it is due; `None`: the caller reads it.
    pub fn servable(
        self: &Arc<Self>,
        db: &Db,
        scope: Scope<'_>,
        number: i64,
    ) -> Option<Arc<CataloguePage>> {
        let lookup = self.lookup(scope, number);
        if lookup.claimed && lookup.page.is_some() {
            self.reload_later(db, key(scope, number));
        }
        lookup.page
    }

    /// The front page: the fresh copy, or read again from the database.
    pub fn get(&self, conn: &mut DbConnection) -> QueryResult<Arc<CataloguePage>> {
        self.page(conn, Scope::default(), 1)
    }

    /// A page: the fresh copy, or read again from the database (one statement) and kept.
    pub fn page(
        &self,
        conn: &mut DbConnection,
        scope: Scope<'_>,
        number: i64,
    ) -> QueryResult<Arc<CataloguePage>> {
        let key = key(scope, number);
        match self.fresh_page(&key) {
            Some(page) => Ok(page),
            None => self.reload(conn, key),
        }
    }

    /// The categories, when the copy holds them fresh.
    pub fn fresh_index(&self) -> Option<Arc<CategoryIndex>> {
        let index = self.index.read().ok()?;
        let changed = self.changed.load(Ordering::Acquire);
        index
            .as_ref()
            .filter(|(loaded, _)| *loaded > changed)
            .map(|(_, index)| Arc::clone(index))
    }

    /// The categories: the fresh copy, or read again (one statement) and kept.
    pub fn index(&self, conn: &mut DbConnection) -> QueryResult<Arc<CategoryIndex>> {
        if let Some(index) = self.fresh_index() {
            return Ok(index);
        }
        let loaded = self.now();
        let index = Arc::new(CategoryIndex::read(conn)?);
        if !self.max_age.is_zero() {
            if let Ok(mut kept) = self.index.write() {
                *kept = Some((loaded, Arc::clone(&index)));
            }
        }
        Ok(index)
    }

    /// Has a claimed page read again in the background (see [`CatalogueCopy::lookup`]).
    fn reload_later(self: &Arc<Self>, db: &Db, key: PageKey) {
        let (cache, db) = (Arc::clone(self), db.clone());
        actix_web::rt::spawn(async move {
            let reload = db.run(move |conn| Ok::<_, DbError>(cache.reload(conn, key)?));
            if let Err(error) = reload.await {
                log::warn!("could not read a catalogue page again: {error}");
            }
        });
    }

    /// Reads a page and keeps it (unless the copy is off); a page with the same products
    /// as the copy keeps the copy, and so its drawn grid.
    fn reload(&self, conn: &mut DbConnection, key: PageKey) -> QueryResult<Arc<CataloguePage>> {
        let loaded = self.now();
        let scope = Scope {
            category: key.0,
            query: key.1.as_deref(),
        };
        let read = read_page(conn, scope, key.2);
        self.refreshed(&key);
        let read = read?;
        if self.max_age.is_zero() {
            return Ok(Arc::new(read));
        }
        let Ok(mut pages) = self.pages.write() else {
            return Ok(Arc::new(read));
        };
        let page = match pages.get(&key) {
            Some(entry) if entry.page.same_as(&read) => Arc::clone(&entry.page),
            _ => Arc::new(read),
        };
        if pages.len() >= MAX_CACHED_PAGES && !pages.contains_key(&key) {
            let least_used = pages
                .iter()
                .min_by_key(|(_, entry)| entry.used.load(Ordering::Relaxed))
                .map(|(key, _)| key.clone());
            if let Some(victim) = least_used {
                pages.remove(&victim);
            }
        }
        let entry = Entry {
            page: Arc::clone(&page),
            loaded,
            used: AtomicU64::new(loaded),
        };
        pages.insert(key, entry);
        Ok(page)
    }

    /// Forgets the copy (after this instance changed stock or products).
    pub fn invalidate(&self) {
        if let Ok(mut pages) = self.pages.write() {
            pages.clear();
        }
        if let Ok(mut index) = self.index.write() {
            *index = None;
        }
    }
}

#[cfg(test)]
mod tests;
