//! A product's history: who changed what, when, each row written in the transaction of
//! its change. A saved edit also notes the version it made and the edit form's fields it
//! changed, so that a form saved on an older version can be shown what changed under it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::product_history;
use crate::db::{DbConnection, QueryResult};

/// The edit form's fields, by the names its inputs have, as the history notes them.
pub mod field {
    pub const NAME: &str = "name";
    pub const DESCRIPTION: &str = "description";
    pub const PRICE: &str = "price";
    pub const ACTIVE: &str = "active";
    pub const CATEGORIES: &str = "categories";
}

#[derive(Debug, Clone, Queryable)]
pub struct HistoryEntry {
    pub admin_username: String,
    pub change: String,
    pub created_at: NaiveDateTime,
}

/// What a saved edit did to the form: the version it made, the fields it changed.
#[derive(Debug, Clone, Copy)]
pub struct Saved<'a> {
    pub version: i64,
    pub fields: &'a [&'static str],
}

/// Records a change to a product in its history, in the caller's transaction.
pub fn record(
    conn: &mut DbConnection,
    product_id: i64,
    admin: &str,
    change: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    insert(conn, product_id, (admin, now), change, None)
}

/// Records a saved edit, with the version it made and the fields it changed.
pub fn record_edit(
    conn: &mut DbConnection,
    product_id: i64,
    (admin, now): (&str, NaiveDateTime),
    change: &str,
    saved: Saved<'_>,
) -> QueryResult<()> {
    insert(conn, product_id, (admin, now), change, Some(saved))
}

fn insert(
    conn: &mut DbConnection,
    product_id: i64,
    (admin, now): (&str, NaiveDateTime),
    change: &str,
    saved: Option<Saved<'_>>,
) -> QueryResult<()> {
    diesel::insert_into(product_history::table)
        .values((
            product_history::product_id.eq(product_id),
            product_history::admin_username.eq(admin),
            product_history::change.eq(change),
            product_history::created_at.eq(now),
            product_history::version.eq(saved.map(|saved| saved.version)),
            product_history::fields.eq(saved.map_or(String::new(), |saved| saved.fields.join(" "))),
        ))
        .execute(conn)?;
    Ok(())
}

/// A product's history, newest first (the last 100 changes).
pub fn history(conn: &mut DbConnection, id: i64) -> QueryResult<Vec<HistoryEntry>> {
    product_history::table
        .filter(product_history::product_id.eq(id))
        .select((
            product_history::admin_username,
            product_history::change,
            product_history::created_at,
        ))
        .order(product_history::id.desc())
        .limit(100)
        .load(conn)
}

/// The last change of one of the edit form's fields: by whom, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub admin: String,
    pub at: NaiveDateTime,
}

/// The fields edits saved after `version` changed, each with its latest change, in the
/// form's order of the names in [`field`].
pub fn changes_since(
    conn: &mut DbConnection,
    id: i64,
    version: i64,
) -> QueryResult<Vec<FieldChange>> {
    let rows: Vec<(String, String, NaiveDateTime)> = product_history::table
        .filter(product_history::product_id.eq(id))
        .filter(product_history::version.gt(version))
        .select((
            product_history::fields,
            product_history::admin_username,
            product_history::created_at,
        ))
        .order(product_history::id.desc())
        .load(conn)?;
    let mut changes: Vec<FieldChange> = Vec::new();
    for (fields, admin, at) in rows {
        for name in fields.split_whitespace() {
            if !changes.iter().any(|change| change.field == name) {
                changes.push(FieldChange {
                    field: name.to_owned(),
                    admin: admin.clone(),
                    at,
                });
            }
        }
    }
    let order = [
        field::NAME,
        field::DESCRIPTION,
        field::PRICE,
        field::ACTIVE,
        field::CATEGORIES,
    ];
    changes.sort_by_key(|change| order.iter().position(|name| *name == change.field));
    Ok(changes)
}
