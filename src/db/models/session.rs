//! Rows of the `sessions` table. Only the session store uses these.

use diesel::prelude::*;

use crate::db::schema::sessions;
use diesel::sql_types::BigInt;

use crate::db::{dialect_sql, is_unique_violation, DbConnection, QueryResult};

/// Inserts a new session. Returns false, writing nothing, when the key hash is taken:
/// a new session never overwrites another one.
pub fn insert(
    conn: &mut DbConnection,
    key_hash: &[u8],
    state: &str,
    expires_at: i64,
) -> QueryResult<bool> {
    let result = diesel::insert_into(sessions::table)
        .values((
            sessions::key_hash.eq(key_hash),
            sessions::state.eq(state),
            sessions::expires_at.eq(expires_at),
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

/// Replaces the state of a live session. Returns false when there is none to update.
pub fn update(
    conn: &mut DbConnection,
    key_hash: &[u8],
    state: &str,
    expires_at: i64,
    now: i64,
) -> QueryResult<bool> {
    let updated = diesel::update(
        sessions::table
            .filter(sessions::key_hash.eq(key_hash))
            .filter(sessions::expires_at.gt(now)),
    )
    .set((
        sessions::state.eq(state),
        sessions::expires_at.eq(expires_at),
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
    .set(sessions::expires_at.eq(expires_at))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn delete(conn: &mut DbConnection, key_hash: &[u8]) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::key_hash.eq(key_hash))).execute(conn)
}

/// Deletes at most `limit` expired sessions, so that no statement holds locks for long.
pub fn delete_expired_batch(conn: &mut DbConnection, now: i64, limit: i64) -> QueryResult<usize> {
    let sql = "DELETE FROM sessions WHERE key_hash IN \
               (SELECT key_hash FROM sessions WHERE expires_at <= $1 LIMIT $2)";
    diesel::sql_query(dialect_sql(conn, sql))
        .bind::<BigInt, _>(now)
        .bind::<BigInt, _>(limit)
        .execute(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    sessions::table.count().get_result(conn)
}
