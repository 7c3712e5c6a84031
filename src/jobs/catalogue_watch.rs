//! The catalogue watcher: a thread that looks every half `max_age` whether the products
//! changed in the database, and marks the catalogue's copy stale when they did (see
//! `crate::catalogue_copy`).
//!
//! It keeps a connection of its own, outside the pool, so that it never waits behind
//! requests and its statement is not counted with theirs. One statement a look: the
//! products' [fingerprint](crate::db::models::product::fingerprint), which any committed
//! change alters. When it cannot look (the database is down), it marks the copy stale, as
//! it cannot tell; when the cache is gone, the thread ends.

use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::catalogue_copy::CatalogueCopy;
use crate::db::models::product::{self, CatalogueFingerprint};
use crate::db::{Db, DbConnection, DbError};

/// The shortest pause between two looks.
const MIN_INTERVAL: Duration = Duration::from_millis(10);

struct Watcher {
    db: Db,
    conn: Option<DbConnection>,
    seen: Option<CatalogueFingerprint>,
}

impl Watcher {
    /// The products' fingerprint now, on the watcher's connection (opened when needed,
    /// dropped on failure).
    fn look(&mut self) -> Result<CatalogueFingerprint, DbError> {
        let conn = match &mut self.conn {
            Some(conn) => conn,
            None => self.conn.insert(self.db.dedicated_connection()?),
        };
        product::fingerprint(conn).map_err(|error| {
            self.conn = None;
            DbError::from(error)
        })
    }

    /// Looks, and tells whether the products changed since the last look (yes when it
    /// cannot tell).
    fn changed(&mut self) -> bool {
        match self.look() {
            Ok(now) => self.seen.replace(now) != Some(now),
            Err(error) => {
                log::debug!("catalogue watcher: {error}");
                self.seen = None;
                true
            }
        }
    }
}

/// Starts watching for `cache` (nothing to watch when it keeps no copy). The first look
/// is taken before this returns, so that the pages read after it are compared with it.
pub fn watch(cache: &Arc<CatalogueCopy>, db: &Db) -> std::io::Result<()> {
    if cache.max_age().is_zero() {
        return Ok(());
    }
    let mut watcher = Watcher {
        db: db.clone(),
        conn: None,
        seen: None,
    };
    watcher.changed();
    let interval = (cache.max_age() / 2).max(MIN_INTERVAL);
    let cache: Weak<CatalogueCopy> = Arc::downgrade(cache);
    std::thread::Builder::new()
        .name("trolley-catalogue-watch".into())
        .spawn(move || loop {
            std::thread::sleep(interval);
            let Some(cache) = cache.upgrade() else {
                return;
            };
            // The moment before the look: a change it finds was committed before it, so
            // every page read before it may be stale.
            let before = cache.now();
            if watcher.changed() {
                cache.changed_since(before);
            }
        })?;
    Ok(())
}
