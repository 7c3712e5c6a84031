//! Baskets and their lines. Every change to a line is one atomic statement, so that
//! concurrent requests of one shopper (two tabs, a double click) never lose a change.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

use crate::db::schema::{basket_items, baskets, products};
use crate::db::{dialect_sql, DbConnection, QueryResult};
use crate::session::BasketId;

/// A line of a basket, with what the catalogue says of its product now.
#[derive(Debug, Clone, Queryable)]
pub struct BasketLine {
    pub product_id: i64,
    pub name: String,
    pub slug: String,
    pub image: String,
    pub unit_price_pence: i64,
    pub stock: i32,
    pub quantity: i32,
}

/// How a line changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineChange {
    /// Add this many to the line (merging with what is there).
    Add(i32),
    /// Set the line to this many (more than zero).
    Set(i32),
}

// One statement each: the row is inserted only when the product exists and has the stock,
// and merged only while the line stays within stock and 99. `$n` placeholders are
// PostgreSQL's; SQLite reads them as `?n`.
const ADD_SQL: &str = "INSERT INTO basket_items (basket_id, product_id, quantity) \
     SELECT $1, p.id, $3 FROM products p WHERE p.id = $2 AND p.stock >= $3 \
     ON CONFLICT (basket_id, product_id) DO UPDATE \
     SET quantity = basket_items.quantity + excluded.quantity \
     WHERE basket_items.quantity + excluded.quantity <= 99 \
     AND basket_items.quantity + excluded.quantity <= \
     (SELECT stock FROM products WHERE id = excluded.product_id)";

const SET_SQL: &str = "INSERT INTO basket_items (basket_id, product_id, quantity) \
     SELECT $1, p.id, $3 FROM products p WHERE p.id = $2 AND p.stock >= $3 \
     ON CONFLICT (basket_id, product_id) DO UPDATE \
     SET quantity = excluded.quantity \
     WHERE excluded.quantity <= (SELECT stock FROM products WHERE id = excluded.product_id)";

/// Applies `change` to one line. Returns false, changing nothing, when the product is
/// unknown or the line would pass its stock or 99. Fails with a foreign-key violation when
/// the basket row is gone.
pub fn change_line(
    conn: &mut DbConnection,
    basket: &BasketId,
    product_id: i64,
    change: LineChange,
) -> QueryResult<bool> {
    let (sql, quantity) = match change {
        LineChange::Add(quantity) => (ADD_SQL, quantity),
        LineChange::Set(quantity) => (SET_SQL, quantity),
    };
    let changed = diesel::sql_query(dialect_sql(conn, sql))
        .bind::<Text, _>(basket.as_str())
        .bind::<BigInt, _>(product_id)
        .bind::<Integer, _>(quantity)
        .execute(conn)?;
    Ok(changed == 1)
}

/// Removes a line; returns whether there was one.
pub fn remove_line(
    conn: &mut DbConnection,
    basket: &BasketId,
    product_id: i64,
) -> QueryResult<bool> {
    let removed = diesel::delete(
        basket_items::table
            .filter(basket_items::basket_id.eq(basket.as_str()))
            .filter(basket_items::product_id.eq(product_id)),
    )
    .execute(conn)?;
    Ok(removed == 1)
}

/// Creates the basket row, or moves its expiry on: it lives as long as its session.
pub fn touch(conn: &mut DbConnection, basket: &BasketId, expires_at: i64) -> QueryResult<()> {
    let upsert = diesel::insert_into(baskets::table)
        .values((
            baskets::id.eq(basket.as_str()),
            baskets::expires_at.eq(expires_at),
        ))
        .on_conflict(baskets::id)
        .do_update()
        .set(baskets::expires_at.eq(expires_at));
    match conn {
        DbConnection::Postgresql(pg) => upsert.execute(pg),
        DbConnection::Sqlite(sqlite) => upsert.execute(sqlite),
    }?;
    Ok(())
}

pub fn lines(conn: &mut DbConnection, basket: &BasketId) -> QueryResult<Vec<BasketLine>> {
    basket_items::table
        .inner_join(products::table)
        .filter(basket_items::basket_id.eq(basket.as_str()))
        .select((
            products::id,
            products::name,
            products::slug,
            products::image,
            products::price_pence,
            products::stock,
            basket_items::quantity,
        ))
        .order(products::name)
        .load(conn)
}

/// How many items the basket holds (the header's count).
pub fn item_count(conn: &mut DbConnection, basket: &BasketId) -> QueryResult<i64> {
    let total: Option<i64> = basket_items::table
        .filter(basket_items::basket_id.eq(basket.as_str()))
        .select(diesel::dsl::sum(basket_items::quantity))
        .first(conn)?;
    Ok(total.unwrap_or(0))
}

pub fn delete(conn: &mut DbConnection, basket: &BasketId) -> QueryResult<()> {
    diesel::delete(baskets::table.filter(baskets::id.eq(basket.as_str()))).execute(conn)?;
    Ok(())
}

/// Deletes at most `limit` expired baskets (their lines go with them).
pub fn delete_expired_batch(conn: &mut DbConnection, now: i64, limit: i64) -> QueryResult<usize> {
    let sql = "DELETE FROM baskets WHERE id IN \
               (SELECT id FROM baskets WHERE expires_at <= $1 LIMIT $2)";
    diesel::sql_query(dialect_sql(conn, sql))
        .bind::<BigInt, _>(now)
        .bind::<BigInt, _>(limit)
        .execute(conn)
}
