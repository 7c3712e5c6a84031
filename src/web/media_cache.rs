//! The pictures this instance served lately, kept in memory: a picture's bytes never
//! change under its name, so a copy is never stale. Bounded by bytes; when full, the
//! pictures kept longest go first.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use actix_web::web::Bytes;

/// How many bytes of pictures an instance keeps at most.
pub const MEDIA_CACHE_BYTES: usize = 64 * 1024 * 1024;

/// A picture as served: its type and bytes.
#[derive(Debug, Clone)]
pub struct CachedMedia {
    pub content_type: String,
    pub bytes: Bytes,
}

#[derive(Debug, Default)]
struct Kept {
    by_name: HashMap<String, Arc<CachedMedia>>,
    order: VecDeque<String>,
    bytes: usize,
}

#[derive(Debug)]
pub struct MediaCache {
    capacity: usize,
    kept: Mutex<Kept>,
}

impl MediaCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            kept: Mutex::new(Kept::default()),
        }
    }

    pub fn get(&self, name: &str) -> Option<Arc<CachedMedia>> {
        self.kept.lock().ok()?.by_name.get(name).cloned()
    }

    /// Drops a picture (it was removed).
    pub fn forget(&self, name: &str) {
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        if let Some(gone) = kept.by_name.remove(name) {
            kept.bytes -= gone.bytes.len();
            kept.order.retain(|kept_name| kept_name != name);
        }
    }

    /// Keeps a picture, unless it alone is larger than the cache.
    pub fn put(&self, name: &str, media: Arc<CachedMedia>) {
        let size = media.bytes.len();
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        if size > self.capacity || kept.by_name.contains_key(name) {
            return;
        }
        while kept.bytes + size > self.capacity {
            let Some(oldest) = kept.order.pop_front() else {
                break;
            };
            if let Some(gone) = kept.by_name.remove(&oldest) {
                kept.bytes -= gone.bytes.len();
            }
        }
        kept.bytes += size;
        kept.order.push_back(name.to_owned());
        kept.by_name.insert(name.to_owned(), media);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn media(size: usize) -> Arc<CachedMedia> {
        Arc::new(CachedMedia {
            content_type: "image/jpeg".into(),
            bytes: Bytes::from(vec![0; size]),
        })
    }

    #[test]
    fn the_cache_keeps_within_its_bytes_dropping_the_oldest() {
        let cache = MediaCache::new(10);
        cache.put("a", media(4));
        cache.put("b", media(4));
        cache.put("c", media(4));
        cache.put("huge", media(11));
        assert!(cache.get("a").is_none());
        assert!(cache.get("b").is_some() && cache.get("c").is_some());
        assert!(cache.get("huge").is_none());
    }
}
