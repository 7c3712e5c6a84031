//! Admin users and their failed logins.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{admins, login_failures};
use crate::db::{on_backend, DbConnection, QueryResult};

/// How long a failed login counts against its username (and is kept).
pub const THROTTLE_WINDOW_SECS: i64 = 15 * 60;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = admins)]
pub struct Admin {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub created_at: NaiveDateTime,
}

pub fn find_by_username(conn: &mut DbConnection, username: &str) -> QueryResult<Option<Admin>> {
    admins::table
        .filter(admins::username.eq(username))
        .select(Admin::as_select())
        .first(conn)
        .optional()
}

/// Creates the admin; returns false, changing nothing, when the username is taken.
pub fn insert(
    conn: &mut DbConnection,
    username: &str,
    password_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    // An existing admin is no error (every start with TROLLEY_ADMIN_USER meets one): the
    // insert does nothing then, rather than fail and have the database log the failure.
    let insert = diesel::insert_into(admins::table)
        .values((
            admins::username.eq(username),
            admins::password_hash.eq(password_hash),
            admins::created_at.eq(now),
        ))
        .on_conflict(admins::username)
        .do_nothing();
    let inserted = on_backend!(conn, backend => insert.execute(backend))?;
    Ok(inserted == 1)
}

pub fn set_password(
    conn: &mut DbConnection,
    username: &str,
    password_hash: &str,
) -> QueryResult<bool> {
    let updated = diesel::update(admins::table.filter(admins::username.eq(username)))
        .set(admins::password_hash.eq(password_hash))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Failed logins for `username` since `since` (Unix seconds).
pub fn failures_since(conn: &mut DbConnection, username: &str, since: i64) -> QueryResult<i64> {
    login_failures::table
        .filter(login_failures::username.eq(username))
        .filter(login_failures::failed_at.gt(since))
        .count()
        .get_result(conn)
}

/// Records a failed (or claimed) login; returns its row's id.
pub fn record_failure(conn: &mut DbConnection, username: &str, now: i64) -> QueryResult<i64> {
    let insert = diesel::insert_into(login_failures::table)
        .values((
            login_failures::username.eq(username),
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

/// Forgets the failures of a username (after a successful login) and every failure older
/// than `before`, so the table stays small.
pub fn clear_failures(conn: &mut DbConnection, username: &str, before: i64) -> QueryResult<()> {
    diesel::delete(
        login_failures::table.filter(
            login_failures::username
                .eq(username)
                .or(login_failures::failed_at.le(before)),
        ),
    )
    .execute(conn)?;
    Ok(())
}
