//! Admin users. (Their failed logins are counted in `login_failure`.)

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::admins;
use crate::db::{on_backend, DbConnection, QueryResult};

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
