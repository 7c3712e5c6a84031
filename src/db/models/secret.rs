//! Secrets generated once and shared by every instance on the database.

use diesel::prelude::*;

use crate::db::schema::secrets;
use crate::db::{is_unique_violation, DbConnection, QueryResult};

/// Returns the secret `name`, storing `generate()` first if there is none, and whether it
/// was created now. Instances that start together agree: the first insert wins and
/// everyone reads it back.
pub fn get_or_create(
    conn: &mut DbConnection,
    name: &str,
    generate: impl FnOnce() -> String,
) -> QueryResult<(String, bool)> {
    if let Some(value) = find(conn, name)? {
        return Ok((value, false));
    }
    let inserted = diesel::insert_into(secrets::table)
        .values((secrets::name.eq(name), secrets::value.eq(generate())))
        .execute(conn);
    let created = match inserted {
        Ok(_) => true,
        Err(error) if is_unique_violation(&error) => false,
        Err(error) => return Err(error),
    };
    let value = find(conn, name)?.ok_or(diesel::result::Error::NotFound)?;
    Ok((value, created))
}

fn find(conn: &mut DbConnection, name: &str) -> QueryResult<Option<String>> {
    secrets::table
        .filter(secrets::name.eq(name))
        .select(secrets::value)
        .first(conn)
        .optional()
}
