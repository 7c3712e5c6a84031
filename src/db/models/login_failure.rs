//! Failed logins, counted in the database rather than in memory so that every instance
//! sees the same count. Admins' and shoppers' are counted apart (their realm): an admin
//! named like a shopper's email shares nothing with that shopper.

use diesel::prelude::*;

use crate::db::schema::login_failures;
use crate::db::{on_backend, DbConnection, QueryResult};

/// How long a failed login counts against its name (and is kept).
pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;

/// Whose logins: admins' (by username) or shoppers' (by email).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Realm {
    Admin,
    Shopper,
}

impl Realm {
    fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Shopper => "shopper",
        }
    }
}

/// Failed logins for `name` since `since` (Unix seconds).
pub fn failures_since(
    conn: &mut DbConnection,
    realm: Realm,
    name: &str,
    since: i64,
) -> QueryResult<i64> {
    login_failures::table
        .filter(login_failures::realm.eq(realm.as_str()))
        .filter(login_failures::username.eq(name))
        .filter(login_failures::failed_at.gt(since))
        .count()
        .get_result(conn)
}

/// Records a failed (or claimed) login; returns its row's id.
pub fn record_failure(
    conn: &mut DbConnection,
    realm: Realm,
    name: &str,
    now: i64,
) -> QueryResult<i64> {
    let insert = diesel::insert_into(login_failures::table)
        .values((
            login_failures::realm.eq(realm.as_str()),
            login_failures::username.eq(name),
            login_failures::failed_at.eq(now),
        ))
        .returning(login_failures::id);
    on_backend!(conn, backend => insert.get_result(backend))
}

/// Removes one recorded attempt (a claim that was refused).
pub fn withdraw_failure(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::id.eq(id))).execute(conn)?;
    Ok(())
}

/// Removes every failure recorded before `before` (the background clean-up).
pub fn delete_failures_before(conn: &mut DbConnection, before: i64) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::failed_at.le(before))).execute(conn)
}

/// Forgets the failures of a name (after a successful login) and every failure older
/// than `before`, so the table stays small.
pub fn clear_failures(
    conn: &mut DbConnection,
    realm: Realm,
    name: &str,
    before: i64,
) -> QueryResult<()> {
    let this_name = login_failures::realm
        .eq(realm.as_str())
        .and(login_failures::username.eq(name));
    diesel::delete(
        login_failures::table.filter(this_name.or(login_failures::failed_at.le(before))),
    )
    .execute(conn)?;
    Ok(())
}
