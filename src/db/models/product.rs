//! The catalogue.

use diesel::prelude::*;

use crate::db::schema::products;
use crate::db::{write_transaction, DbConnection, QueryResult};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = products)]
pub struct Product {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub price_pence: i64,
    pub stock: i32,
    pub image: String,
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

/// Takes `quantity` from stock if that many are there. Never goes below zero: the
/// condition and the change are one statement.
pub fn take_stock(conn: &mut DbConnection, id: i64, quantity: i32) -> QueryResult<bool> {
    let updated = diesel::update(
        products::table
            .filter(products::id.eq(id))
            .filter(products::stock.ge(quantity)),
    )
    .set(products::stock.eq(products::stock - quantity))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn put_back_stock(conn: &mut DbConnection, id: i64, quantity: i32) -> QueryResult<()> {
    diesel::update(products::table.filter(products::id.eq(id)))
        .set(products::stock.eq(products::stock + quantity))
        .execute(conn)?;
    Ok(())
}
