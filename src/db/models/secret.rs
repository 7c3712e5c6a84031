//! Secrets generated once and shared by every instance on the database.

use diesel::prelude::*;

use crate::db::schema::secrets;
use crate::db::{on_backend, DbConnection, QueryResult};

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
    // Another instance starting at the same moment may have made it first: then its
    // value stands, with no failed insert for the database to log.
    let insert = diesel::insert_into(secrets::table)
        .values((secrets::name.eq(name), secrets::value.eq(generate())))
        .on_conflict(secrets::name)
        .do_nothing();
    let created = on_backend!(conn, backend => insert.execute(backend))? == 1;
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
