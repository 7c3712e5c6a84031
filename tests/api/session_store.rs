//! The Diesel session store against actix-session's `SessionStore` contract.

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use actix_session::storage::{SessionKey, SessionStore};
use actix_web::cookie::time::Duration;
use trolley::db::models::{session, unix_now};
use trolley::db::Db;
use trolley::jobs::cleanup::clear_expired;
use trolley::session_store::{hash_key, DieselSessionStore};

use crate::common::TestDatabase;

fn store() -> (DieselSessionStore, Db, TestDatabase) {
    let database = TestDatabase::new();
    let db = Db::new(&database.url, 8);
    db.migrate().expect("migrations run");
    (DieselSessionStore::new(db.clone()), db, database)
}

fn state(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), format!("\"{v}\"")))
        .collect()
}

const TTL: Duration = Duration::hours(1);

/// Moves a session's expiry into the past, as if its time had run out.
fn expire(db: &Db, key: &SessionKey) {
    let mut conn = db.conn().expect("conn");
    session::update_expiry(&mut conn, &hash_key(key), unix_now() - 1, i64::MIN).expect("expire");
}

#[actix_web::test]
async fn saved_state_loads_back() {
    let (store, _db, _database) = store();
    let saved = state(&[("basket_id", "b-1"), ("name", "Zoë")]);

    let key = store.save(saved.clone(), &TTL).await.expect("save");
    let loaded = store.load(&key).await.expect("load");

    assert_eq!(loaded, Some(saved));
}

#[actix_web::test]
async fn keys_are_random_with_at_least_128_bits_and_stored_only_hashed() {
    let (store, db, _database) = store();
    let first = store.save(state(&[("a", "1")]), &TTL).await.expect("save");
    let second = store.save(state(&[("a", "1")]), &TTL).await.expect("save");

    assert_ne!(first.as_ref(), second.as_ref());
    // 43 base64url characters carry 256 bits.
    assert!(first.as_ref().len() >= 43);
    let mut conn = db.conn().expect("conn");
    let raw: Vec<Vec<u8>> = {
        use diesel::prelude::*;
        use trolley::db::schema::sessions;
        sessions::table
            .select(sessions::key_hash)
            .load(&mut *conn)
            .expect("rows")
    };
    assert_eq!(raw.len(), 2);
    for hash in &raw {
        assert_eq!(hash.len(), 32, "a SHA-256 digest");
        assert_ne!(hash.as_slice(), first.as_ref().as_bytes());
    }
    assert!(raw.contains(&hash_key(&first)));
}

#[actix_web::test]
async fn an_unknown_key_loads_nothing() {
    let (store, _db, _database) = store();
    let unknown = SessionKey::try_from("no-such-session-key-at-all".to_owned()).expect("key");

    assert_eq!(store.load(&unknown).await.expect("load"), None);
}

#[actix_web::test]
async fn an_expired_session_is_invisible_before_any_clean_up() {
    let (store, db, _database) = store();
    let key = store.save(state(&[("a", "1")]), &TTL).await.expect("save");

    expire(&db, &key);

    assert_eq!(store.load(&key).await.expect("load"), None);
    assert_eq!(
        session::count(&mut db.conn().expect("conn")).expect("count"),
        1,
        "still there"
    );
}

#[actix_web::test]
async fn a_session_expires_when_its_ttl_runs_out() {
    let (store, _db, _database) = store();
    let key = store
        .save(state(&[("a", "1")]), &Duration::seconds(1))
        .await
        .expect("save");
    assert!(store.load(&key).await.expect("load").is_some());

    actix_web::rt::time::sleep(StdDuration::from_millis(2100)).await;

    assert_eq!(store.load(&key).await.expect("load"), None);
}

#[actix_web::test]
async fn update_replaces_the_state_under_the_same_key() {
    let (store, _db, _database) = store();
    let key = store.save(state(&[("a", "1")]), &TTL).await.expect("save");
    let kept = key.as_ref().to_owned();

    let updated = store
        .update(key, state(&[("a", "2"), ("b", "3")]), &TTL)
        .await
        .expect("update");

    assert_eq!(updated.as_ref(), kept);
    assert_eq!(
        store.load(&updated).await.expect("load"),
        Some(state(&[("a", "2"), ("b", "3")]))
    );
}

#[actix_web::test]
async fn updating_a_destroyed_session_does_not_bring_it_back() {
    let (store, db, _database) = store();
    let key = store
        .save(state(&[("admin_id", "1")]), &TTL)
        .await
        .expect("save");
    let stale = SessionKey::try_from(key.as_ref().to_owned()).expect("key");
    store.delete(&key).await.expect("delete");

    // A request that loaded the session before it was destroyed now saves its state.
    let new_key = store
        .update(stale, state(&[("admin_id", "1"), ("x", "y")]), &TTL)
        .await
        .expect("update");

    assert_ne!(new_key.as_ref(), key.as_ref());
    assert_eq!(store.load(&key).await.expect("load"), None);
    assert_eq!(
        store.load(&new_key).await.expect("load"),
        None,
        "a new, empty session"
    );
    assert_eq!(
        session::count(&mut db.conn().expect("conn")).expect("count"),
        0
    );
}

#[actix_web::test]
async fn updating_an_expired_session_does_not_revive_it() {
    let (store, db, _database) = store();
    let key = store.save(state(&[("a", "1")]), &TTL).await.expect("save");
    let stale = SessionKey::try_from(key.as_ref().to_owned()).expect("key");
    expire(&db, &key);

    let new_key = store
        .update(stale, state(&[("a", "2")]), &TTL)
        .await
        .expect("update");

    assert_eq!(store.load(&key).await.expect("load"), None);
    assert_eq!(store.load(&new_key).await.expect("load"), None);
}

#[actix_web::test]
async fn update_ttl_extends_the_expiry() {
    let (store, db, _database) = store();
    let key = store
        .save(state(&[("a", "1")]), &Duration::seconds(5))
        .await
        .expect("save");

    store
        .update_ttl(&key, &Duration::days(3))
        .await
        .expect("update_ttl");

    let expires_at: i64 = {
        use diesel::prelude::*;
        use trolley::db::schema::sessions;
        sessions::table
            .select(sessions::expires_at)
            .first(&mut *db.conn().expect("conn"))
            .expect("row")
    };
    assert!(expires_at >= unix_now() + 3 * 86_400 - 5);
}

#[actix_web::test]
async fn delete_removes_the_row() {
    let (store, db, _database) = store();
    let key = store.save(state(&[("a", "1")]), &TTL).await.expect("save");

    store.delete(&key).await.expect("delete");

    assert_eq!(store.load(&key).await.expect("load"), None);
    assert_eq!(
        session::count(&mut db.conn().expect("conn")).expect("count"),
        0
    );
}

#[actix_web::test]
async fn a_new_session_never_overwrites_another_with_the_same_key_hash() {
    let (_store, db, _database) = store();
    let mut conn = db.conn().expect("conn");
    let hash = [7u8; 32];
    let far = unix_now() + 3600;

    assert!(session::insert(&mut conn, &hash, "{\"a\":\"1\"}", far).expect("insert"));
    assert!(!session::insert(&mut conn, &hash, "{\"a\":\"evil\"}", far).expect("insert"));

    let kept = session::find_live(&mut conn, &hash, unix_now()).expect("find");
    assert_eq!(kept.as_deref(), Some("{\"a\":\"1\"}"));
}

#[actix_web::test]
async fn concurrent_saves_make_distinct_sessions() {
    let (store, db, _database) = store();

    let saves = (0..40).map(|i| {
        let store = store.clone();
        async move { store.save(state(&[("n", &i.to_string())]), &TTL).await }
    });
    let keys: Vec<SessionKey> = futures::future::join_all(saves)
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("every save succeeds");

    let distinct: std::collections::HashSet<&str> = keys.iter().map(AsRef::as_ref).collect();
    assert_eq!(distinct.len(), 40);
    assert_eq!(
        session::count(&mut db.conn().expect("conn")).expect("count"),
        40
    );
    for (i, key) in keys.iter().enumerate() {
        assert_eq!(
            store.load(key).await.expect("load"),
            Some(state(&[("n", &i.to_string())]))
        );
    }
}

#[actix_web::test]
async fn clean_up_removes_every_expired_session_in_batches_and_keeps_live_ones() {
    let (store, db, _database) = store();
    {
        let mut conn = db.conn().expect("conn");
        let past = unix_now() - 10;
        trolley::db::write_transaction(&mut conn, |conn| {
            for i in 0u32..2_500 {
                let mut hash = [0u8; 32];
                hash[..4].copy_from_slice(&i.to_be_bytes());
                session::insert(conn, &hash, "{}", past)?;
            }
            Ok::<_, diesel::result::Error>(())
        })
        .expect("insert expired rows");
    }
    let mut live = Vec::new();
    for _ in 0..10 {
        live.push(store.save(state(&[("a", "1")]), &TTL).await.expect("save"));
    }

    let cleared = clear_expired(&db, 1_000, StdDuration::ZERO)
        .await
        .expect("clean-up");

    assert_eq!(cleared.sessions, 2_500);
    assert_eq!(
        session::count(&mut db.conn().expect("conn")).expect("count"),
        10
    );
    for key in &live {
        assert!(store.load(key).await.expect("load").is_some());
    }
}

/// Sessions stored before `sessions.basket_id` existed get it from their state when the
/// migration runs, so that their pages read the basket with the session at once.
#[actix_web::test]
async fn the_migration_names_the_basket_of_sessions_stored_before_it() {
    use diesel::prelude::*;
    use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
    use trolley::db::schema::sessions;
    use trolley::db::DbConnection;
    const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgresql");
    const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

    let (_store, db, _database) = store();
    let mut conn = db.conn().expect("conn");
    let mut revert = || match &mut *conn {
        DbConnection::Postgresql(pg) => pg.revert_last_migration(POSTGRES).map(|v| v.to_string()),
        DbConnection::Sqlite(sqlite) => sqlite.revert_last_migration(SQLITE).map(|v| v.to_string()),
    };
    // Back to just before sessions named their basket: the later migrations first.
    assert_eq!(revert().expect("revert"), "20261210000002");
    assert_eq!(revert().expect("revert"), "20261210000001");
    assert_eq!(revert().expect("revert"), "20261209000004");
    assert_eq!(revert().expect("revert"), "20261209000003");
    assert_eq!(revert().expect("revert"), "20261209000002");
    assert_eq!(revert().expect("revert"), "20261209000001");
    assert_eq!(revert().expect("revert"), "20261208000001");
    assert_eq!(revert().expect("revert"), "20261207000001");
    assert_eq!(revert().expect("revert"), "20261206000001");
    assert_eq!(revert().expect("revert"), "20261130000001");
    let stored = [
        (1u8, r#"{"basket_id":"\"b-1\"","csrf":"\"t\""}"#),
        (2u8, r#"{"csrf":"\"t\""}"#),
    ];
    for (key, state) in stored {
        diesel::insert_into(sessions::table)
            .values((
                sessions::key_hash.eq(vec![key]),
                sessions::state.eq(state),
                sessions::expires_at.eq(unix_now() + 3600),
            ))
            .execute(&mut *conn)
            .expect("a session stored before the column");
    }
    drop(conn);

    db.migrate().expect("migrations run again");

    let named: Vec<Option<String>> = sessions::table
        .order(sessions::key_hash)
        .select(sessions::basket_id)
        .load(&mut *db.conn().expect("conn"))
        .expect("basket ids");
    assert_eq!(named, [Some("b-1".to_owned()), None]);
}
