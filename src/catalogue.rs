//! The catalogue, kept in memory for a moment so that page views do not re-read it.
//!
//! Pages show stock as a hint ("Only 3 left"); adding to a basket and checking out always
//! check the database. So the copy may be a little old: at most `max_age`, and this
//! instance drops it at once when it changes stock itself (a checkout, a cancellation).
//! Other instances' changes show within `max_age`.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::db::models::product::{self, Product};
use crate::db::{DbConnection, QueryResult};

pub struct CatalogueCache {
    max_age: Duration,
    entry: RwLock<Option<(Instant, Arc<Vec<Product>>)>>,
}

impl CatalogueCache {
    pub fn new(max_age: Duration) -> Self {
        Self {
            max_age,
            entry: RwLock::new(None),
        }
    }

    /// The products, if the copy is fresh enough.
    pub fn fresh(&self) -> Option<Arc<Vec<Product>>> {
        let entry = self.entry.read().ok()?;
        entry
            .as_ref()
            .filter(|(loaded, _)| loaded.elapsed() < self.max_age)
            .map(|(_, products)| Arc::clone(products))
    }

    /// The products: the fresh copy, or read again from the database.
    pub fn get(&self, conn: &mut DbConnection) -> QueryResult<Arc<Vec<Product>>> {
        if let Some(products) = self.fresh() {
            return Ok(products);
        }
        let loaded = Instant::now();
        let products = Arc::new(product::all(conn)?);
        if let Ok(mut entry) = self.entry.write() {
            *entry = Some((loaded, Arc::clone(&products)));
        }
        Ok(products)
    }

    /// Forgets the copy (after this instance changed stock or products).
    pub fn invalidate(&self) {
        if let Ok(mut entry) = self.entry.write() {
            *entry = None;
        }
    }
}
