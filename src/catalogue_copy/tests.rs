use super::*;
use crate::db::models::product::Scope;

fn cache_with_front_page(max_age: Duration) -> CatalogueCopy {
    let cache = CatalogueCopy::new(max_age);
    let loaded = cache.now();
    let entry = Entry {
        page: Arc::new(CataloguePage::new(Vec::new(), false)),
        loaded,
        used: AtomicU64::new(loaded),
    };
    if let Ok(mut pages) = cache.pages.write() {
        pages.insert((None, None, 1), entry);
    }
    cache
}

#[test]
fn a_page_is_served_from_the_copy_until_a_change_is_noticed_however_old() {
    let cache = cache_with_front_page(Duration::from_millis(20));
    std::thread::sleep(Duration::from_millis(30));
    let lookup = cache.lookup(Scope::default(), 1);
    assert!(
        lookup.page.is_some() && !lookup.claimed,
        "no change: served"
    );

    let absent = cache.lookup(Scope::default(), 2);
    assert!(
        absent.page.is_none() && !absent.claimed,
        "not in the copy: read"
    );
}

#[test]
fn after_a_change_one_request_reads_the_page_again_while_all_are_served_the_copy() {
    let cache = cache_with_front_page(Duration::from_secs(60));
    cache.changed_since(cache.now());
    let first = cache.lookup(Scope::default(), 1);
    assert!(
        first.page.is_some() && first.claimed,
        "stale: served, and claimed"
    );
    let second = cache.lookup(Scope::default(), 1);
    assert!(
        second.page.is_some() && !second.claimed,
        "the others: served"
    );
    assert!(cache.fresh_page(&(None, None, 1)).is_none(), "not fresh");
}

#[test]
fn a_page_stale_for_longer_than_max_age_is_read_by_one_request_while_the_others_get_the_copy() {
    let cache = cache_with_front_page(Duration::from_millis(40));
    cache.changed_since(cache.now());
    std::thread::sleep(Duration::from_millis(50));
    let first = cache.lookup(Scope::default(), 1);
    assert!(
        first.page.is_none() && first.claimed,
        "too old: the first reads it"
    );
    let second = cache.lookup(Scope::default(), 1);
    assert!(
        second.page.is_some() && !second.claimed,
        "the others get the copy"
    );

    cache.refreshed(&(None, None, 1));
    assert!(
        cache.lookup(Scope::default(), 1).claimed,
        "still stale: read again"
    );
    std::thread::sleep(Duration::from_millis(50));
    assert!(
        cache.lookup(Scope::default(), 1).claimed,
        "a lapsed claim is taken over"
    );
}

#[test]
fn a_page_read_after_the_change_was_noticed_is_fresh() {
    let cache = CatalogueCopy::new(Duration::from_secs(60));
    cache.changed_since(cache.now());
    std::thread::sleep(Duration::from_millis(2));
    let loaded = cache.now();
    if let Ok(mut pages) = cache.pages.write() {
        let entry = Entry {
            page: Arc::new(CataloguePage::new(Vec::new(), false)),
            loaded,
            used: AtomicU64::new(loaded),
        };
        pages.insert((None, None, 1), entry);
    }
    assert!(cache.fresh_page(&(None, None, 1)).is_some());
}
