//! Products: what the catalogue lists and shoppers buy, their stock and the catalogue's
//! fingerprint.

use diesel::prelude::*;

use crate::db::schema::{product_categories, products};
use diesel::sql_types::{BigInt, Integer};

use crate::db::{search, sql, write_transaction, DbConnection, Prepared, QueryResult};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = products)]
pub struct Product {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub price_pence: i64,
    pub stock: i32,
    pub image: String,
    pub active: bool,
    pub version: i64,
    /// Its pictures as its pages show them (see `picture::refresh_gallery`).
    pub pictures: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = products)]
pub struct NewProduct<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub price_pence: i64,
    pub stock: i32,
    pub image: String,
}

pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Product>> {
    products::table
        .select(Product::as_select())
        .order(products::id)
        .load(conn)
}

/// Active products in id order, `limit` from `offset`, whose name contains `query` (any
/// case) when there is one. One statement, served by the `(active, id)` index.
pub fn active_page(
    conn: &mut DbConnection,
    scope: Scope<'_>,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Product>> {
    let Scope { category, query } = scope;
    let mut select = products::table
        .filter(products::active.eq(true))
        .select(Product::as_select())
        .order(products::id)
        .offset(offset)
        .limit(limit)
        .into_boxed();
    if let Some(query) = query {
        select = select.filter(search::contains(products::name, query));
    }
    if let Some(category) = category {
        let members = product_categories::table
            .filter(product_categories::category_id.eq(category))
            .select(product_categories::product_id);
        select = select.filter(products::id.eq_any(members));
    }
    select.load(conn)
}

/// Which products a listing shows: those of a category, or all; whose name contains a
/// search, or any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Scope<'a> {
    pub category: Option<i64>,
    pub query: Option<&'a str>,
}

/// A product on sale; an inactive one is as good as absent.
pub fn find_active(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Product>> {
    products::table
        .find(id)
        .filter(products::active.eq(true))
        .select(Product::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Product>> {
    products::table
        .find(id)
        .select(Product::as_select())
        .first(conn)
        .optional()
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    products::table.count().get_result(conn)
}

/// Adds the products whose slug is not in the catalogue yet; returns how many.
pub fn insert_missing(conn: &mut DbConnection, new: &[NewProduct<'_>]) -> QueryResult<usize> {
    write_transaction(conn, |conn| {
        let mut added = 0;
        for product in new {
            let exists: i64 = products::table
                .filter(products::slug.eq(product.slug))
                .count()
                .get_result(conn)?;
            if exists == 0 {
                added += diesel::insert_into(products::table)
                    .values(product)
                    .execute(conn)?;
            }
        }
        Ok(added)
    })
}

/// Takes stock for several lines in one statement, each line only if that many are there
/// (never below zero). Returns the ids of the products whose stock was taken; the caller
/// rolls back when any is missing.
///
/// On PostgreSQL the rows are first locked in id order, in the same statement (a
/// materialized `SELECT … ORDER BY id FOR NO KEY UPDATE`, which the update joins): the
/// update alone runs as a hash join over a scan of `products` and so would lock rows in
/// their physical order, which differs between concurrent checkouts and could deadlock.
/// Every lock a checkout waits for is now taken in one order, so two checkouts of
/// overlapping products queue instead. `NO KEY UPDATE` is the lock the update itself
/// takes: it leaves alone the key-share locks that the checkout's order lines (and other
/// checkouts') hold on the products they reference. SQLite needs none of this: `BEGIN
/// IMMEDIATE` makes writers take turns.
pub fn take_stock_for(conn: &mut DbConnection, lines: &[(i64, i32)]) -> QueryResult<Vec<i64>> {
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: Vec<String> = (0..lines.len())
        .map(|i| {
            format!(
                "SELECT CAST(${} AS BIGINT) AS id, CAST(${} AS INTEGER) AS quantity",
                2 * i + 1,
                2 * i + 2
            )
        })
        .collect();
    let wanted = wanted.join(" UNION ALL ");
    let sql = match conn {
        DbConnection::Postgresql(_) => format!("WITH wanted AS ({wanted}), {}", sql::TAKE_STOCK_PG),
        DbConnection::Sqlite(_) => format!(
            "UPDATE products SET stock = products.stock - wanted.quantity \
             FROM ({wanted}) AS wanted \
             WHERE products.id = wanted.id AND products.stock >= wanted.quantity \
                 AND products.active \
             RETURNING products.id"
        ),
    };
    let mut query = sql::raw(&sql).into_boxed();
    for &(id, quantity) in lines {
        query = query.bind::<BigInt, _>(id).bind::<Integer, _>(quantity);
    }
    Ok(Prepared::with_lines(query, lines.len())
        .load::<Taken>(conn)?
        .into_iter()
        .map(|taken| taken.id)
        .collect())
}

/// A product whose stock was taken.
#[derive(QueryableByName)]
pub struct Taken {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
}

pub fn put_back_stock(conn: &mut DbConnection, id: i64, quantity: i32) -> QueryResult<()> {
    diesel::update(products::table.filter(products::id.eq(id)))
        .set(products::stock.eq(products::stock + quantity))
        .execute(conn)?;
    Ok(())
}

/// What changes whenever the catalogue does (see `sql/catalogue_fingerprint.sql`): the
/// products' and the categories' counts, revisions and greatest ids. One statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, QueryableByName)]
pub struct CatalogueFingerprint {
    #[diesel(sql_type = BigInt)]
    products: i64,
    #[diesel(sql_type = BigInt)]
    revisions: i64,
    #[diesel(sql_type = BigInt)]
    last_id: i64,
    #[diesel(sql_type = BigInt)]
    categories: i64,
    #[diesel(sql_type = BigInt)]
    category_revisions: i64,
    #[diesel(sql_type = BigInt)]
    last_category_id: i64,
}

pub fn fingerprint(conn: &mut DbConnection) -> QueryResult<CatalogueFingerprint> {
    Prepared::new(sql::raw(sql::CATALOGUE_FINGERPRINT)).get_result(conn)
}
