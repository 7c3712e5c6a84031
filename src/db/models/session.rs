//! Rows of the `sessions` table. Only the session store uses these.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Binary, Nullable, Text};

use super::basket::{BasketLine, LoadedBasket};
use crate::db::schema::sessions;
use crate::db::{is_unique_violation, sql, DbConnection, Prepared, QueryResult};
use crate::domain::BasketId;

/// What the store knows of a session besides its state, kept in columns so that it can
/// be queried or joined: the admin or the shopper's account it is signed in to (neither
/// for a guest), the browser it came from, and the shopper's basket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels {
    pub admin_id: Option<i64>,
    pub account_id: Option<i64>,
    pub user_agent: Option<String>,
    pub basket_id: Option<String>,
}

/// Inserts a new session. Returns false, writing nothing, when the key hash is taken:
/// a new session never overwrites another one.
pub fn insert(
    conn: &mut DbConnection,
    key_hash: &[u8],
    state: &str,
    expires_at: i64,
) -> QueryResult<bool> {
    insert_labelled(conn, key_hash, state, expires_at, &Labels::default())
}

/// [`insert`], with the session's labels; it was issued and last seen now.
pub fn insert_labelled(
    conn: &mut DbConnection,
    key_hash: &[u8],
    state: &str,
    expires_at: i64,
    labels: &Labels,
) -> QueryResult<bool> {
    let now = super::unix_now();
    let result = diesel::insert_into(sessions::table)
        .values((
            sessions::key_hash.eq(key_hash),
            sessions::state.eq(state),
            sessions::expires_at.eq(expires_at),
            sessions::admin_id.eq(labels.admin_id),
            sessions::account_id.eq(labels.account_id),
            sessions::user_agent.eq(labels.user_agent.as_deref()),
            sessions::basket_id.eq(labels.basket_id.as_deref()),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
        ))
        .execute(conn);
    match result {
        Ok(_) => Ok(true),
        Err(error) if is_unique_violation(&error) => Ok(false),
        Err(error) => Err(error),
    }
}

/// The state of a live session; an expired row is as good as absent.
pub fn find_live(
    conn: &mut DbConnection,
    key_hash: &[u8],
    now: i64,
) -> QueryResult<Option<String>> {
    sessions::table
        .filter(sessions::key_hash.eq(key_hash))
        .filter(sessions::expires_at.gt(now))
        .select(sessions::state)
        .first(conn)
        .optional()
}

/// A live session as its load reads it: the state, and the lines of the basket its
/// `basket_id` column names, read in the same statement.
#[derive(Debug)]
pub struct Loaded {
    pub state: String,
    /// `None` when the row names no basket; a basket with no lines left (or already
    /// deleted) is loaded empty.
    pub basket: Option<LoadedBasket>,
}

#[derive(QueryableByName)]
struct LoadedRow {
    #[diesel(sql_type = Text)]
    state: String,
    #[diesel(sql_type = Nullable<Text>)]
    basket_id: Option<String>,
    #[diesel(embed)]
    line: Option<BasketLine>,
}

/// A live session with its basket's lines, in one statement; an expired row is as good
/// as absent.
pub fn find_live_with_basket(
    conn: &mut DbConnection,
    key_hash: &[u8],
    now: i64,
) -> QueryResult<Option<Loaded>> {
    let query = sql::raw(sql::SESSION_WITH_BASKET)
        .bind::<Binary, _>(key_hash)
        .bind::<BigInt, _>(now);
    let mut rows = Prepared::new(query).load::<LoadedRow>(conn)?.into_iter();
    let Some(first) = rows.next() else {
        return Ok(None);
    };
    let basket = first.basket_id.map(|id| LoadedBasket {
        id: BasketId::from_stored(id),
        lines: first
            .line
            .into_iter()
            .chain(rows.filter_map(|row| row.line))
            .collect(),
    });
    Ok(Some(Loaded {
        state: first.state,
        basket,
    }))
}

/// Replaces the state and labels of a live session, which is seen now. Returns false
/// when there is none to update.
pub fn update(
    conn: &mut DbConnection,
    key_hash: &[u8],
    state: &str,
    expires_at: i64,
    now: i64,
    labels: &Labels,
) -> QueryResult<bool> {
    let updated = diesel::update(
        sessions::table
            .filter(sessions::key_hash.eq(key_hash))
            .filter(sessions::expires_at.gt(now)),
    )
    .set((
        sessions::state.eq(state),
        sessions::expires_at.eq(expires_at),
        sessions::admin_id.eq(labels.admin_id),
        sessions::account_id.eq(labels.account_id),
        sessions::user_agent.eq(labels.user_agent.as_deref()),
        sessions::basket_id.eq(labels.basket_id.as_deref()),
        sessions::last_seen_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn update_expiry(
    conn: &mut DbConnection,
    key_hash: &[u8],
    expires_at: i64,
    now: i64,
) -> QueryResult<bool> {
    let updated = diesel::update(
        sessions::table
            .filter(sessions::key_hash.eq(key_hash))
            .filter(sessions::expires_at.gt(now)),
    )
    .set((
        sessions::expires_at.eq(expires_at),
        sessions::last_seen_at.eq(now.max(super::unix_now())),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn delete(conn: &mut DbConnection, key_hash: &[u8]) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::key_hash.eq(key_hash))).execute(conn)
}

/// Deletes at most `limit` expired sessions, so that no statement holds locks for long.
pub fn delete_expired_batch(conn: &mut DbConnection, now: i64, limit: i64) -> QueryResult<usize> {
    super::delete_expired_batch(conn, ("sessions", "key_hash"), now, limit)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    sessions::table.count().get_result(conn)
}

/// Whose sessions: an admin's or a shopper's account's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Admin(i64),
    Account(i64),
}

/// A live session of an admin or an account.
#[derive(Debug, Clone, Queryable)]
pub struct OwnedSession {
    pub key_hash: Vec<u8>,
    pub created_at: Option<i64>,
    pub last_seen_at: Option<i64>,
    pub user_agent: Option<String>,
}

/// The owner's live sessions, most recently seen first.
pub fn live_for(conn: &mut DbConnection, owner: Owner, now: i64) -> QueryResult<Vec<OwnedSession>> {
    let live = sessions::table
        .filter(sessions::expires_at.gt(now))
        .select((
            sessions::key_hash,
            sessions::created_at,
            sessions::last_seen_at,
            sessions::user_agent,
        ))
        .order(sessions::last_seen_at.desc())
        .limit(100);
    match owner {
        Owner::Admin(id) => live.filter(sessions::admin_id.eq(id)).load(conn),
        Owner::Account(id) => live.filter(sessions::account_id.eq(id)).load(conn),
    }
}

/// Ends every session of the owner but the one whose key hashes to `keep` (all of them
/// with `None`), in one statement. Returns how many ended.
pub fn delete_for(
    conn: &mut DbConnection,
    owner: Owner,
    keep: Option<&[u8]>,
) -> QueryResult<usize> {
    let keep = keep.unwrap_or_default();
    let others = sessions::table.filter(sessions::key_hash.ne(keep));
    match owner {
        Owner::Admin(id) => diesel::delete(others.filter(sessions::admin_id.eq(id))).execute(conn),
        Owner::Account(id) => {
            diesel::delete(others.filter(sessions::account_id.eq(id))).execute(conn)
        }
    }
}
