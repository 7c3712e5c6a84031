//! Baskets and their lines. Every change to a line is one atomic statement, so that
//! concurrent requests of one shopper (two tabs, a double click) never lose a change.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

mod line;
mod loaded;
mod merge;

pub use line::{mark_prices_seen, orderable_total, total, BasketLine};
pub use loaded::{LoadedBasket, SessionBasket};
pub use merge::{delete_expired_merges_batch, merge_into, merged_into, CappedLine, MergeReport};

use super::order;
use super::product::{self, Product};
use crate::db::schema::{basket_items, baskets, products};
use crate::db::{
    is_foreign_key_violation, on_backend, sql, write_transaction, DbConnection, Prepared,
    QueryResult, Returned,
};
use crate::domain::{BasketId, OrderToken, Quantity};

/// How a line changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineChange {
    /// Add this many to the line (merging with what is there).
    Add(i32),
    /// Set the line to this many (more than zero).
    Set(i32),
}

/// Applies `change` to one line. Returns false, changing nothing, when the product is
/// unknown or the line would pass its stock or 99. Fails with a foreign-key violation when
/// the basket row is gone.
pub fn change_line(
    conn: &mut DbConnection,
    basket: &BasketId,
    product_id: i64,
    change: LineChange,
) -> QueryResult<bool> {
    let (statement, quantity) = match change {
        LineChange::Add(quantity) => (sql::BASKET_ADD_LINE, quantity),
        LineChange::Set(quantity) => (sql::BASKET_SET_LINE, quantity),
    };
    let query = sql::raw(statement)
        .bind::<Text, _>(basket.as_str())
        .bind::<Integer, _>(quantity)
        .bind::<BigInt, _>(product_id)
        .bind::<Integer, _>(Quantity::MAX);
    let changed = Prepared::new(query).load::<Returned>(conn)?;
    Ok(changed.len() == 1)
}

/// What a change to a shopper's basket came to.
#[derive(Debug)]
pub enum ChangeOutcome {
    /// The line is changed; `created` when a new basket row was made for it.
    Changed { basket: BasketId, created: bool },
    /// Nothing changed: there is no such product on sale.
    UnknownProduct,
    /// Nothing changed: the session's basket was just checked out (in another tab).
    CheckedOut,
    /// The line is changed in the account's basket, which the session's guest basket was
    /// merged into while this change was in flight (a sign-in in another tab): the
    /// session is over, and nothing is to be written to it.
    FollowedMerge,
    /// Nothing changed: the line would need `wanted`, past the stock or 99.
    Refused { product: Product, wanted: i32 },
}

/// One change a shopper asks of their basket, with what the session knows of it.
#[derive(Debug, Clone)]
pub struct BasketChange {
    /// The session's basket, if it has one.
    pub existing: Option<BasketId>,
    /// The session's checkout, if its form was shown (its order token).
    pub checkout: Option<OrderToken>,
    pub product_id: i64,
    pub change: LineChange,
    /// Whether the basket's expiry moves on to `expires_at` with this change.
    pub refresh: bool,
    pub expires_at: i64,
}

/// Applies one change to the shopper's basket, creating the basket on the first change
/// (or when the session's basket is gone: checked out in another tab, or expired). The
/// change itself is one atomic statement; with `refresh`, the basket's expiry moves on
/// too. A basket that is gone because the session's checkout placed it is not replaced:
/// the session is being destroyed, so a new basket would be lost with it, and the change
/// is refused instead.
pub fn apply_change(conn: &mut DbConnection, asked: BasketChange) -> QueryResult<ChangeOutcome> {
    let BasketChange {
        existing,
        checkout,
        product_id,
        change,
        refresh,
        expires_at,
    } = asked;
    if let Some(basket) = existing {
        match change_line(conn, &basket, product_id, change) {
            Ok(true) => {
                if refresh {
                    touch(conn, &basket, expires_at)?;
                }
                return Ok(ChangeOutcome::Changed {
                    basket,
                    created: false,
                });
            }
            Ok(false) => return refusal(conn, Some(&basket), product_id, change),
            // The basket row is gone: merged into an account's at a sign-in, checked out,
            // or else expired (start a new one).
            Err(error) if is_foreign_key_violation(&error) => {
                if let Some(into) = merged_into(conn, &basket)? {
                    return match change_line(conn, &into, product_id, change)? {
                        true => Ok(ChangeOutcome::FollowedMerge),
                        false => refusal(conn, Some(&into), product_id, change),
                    };
                }
                if let Some(token) = checkout {
                    if order::find_by_token(conn, token)?.is_some() {
                        return Ok(ChangeOutcome::CheckedOut);
                    }
                }
            }
            Err(error) => return Err(error),
        }
    }
    let basket = BasketId::generate();
    let created = write_transaction(conn, |conn| {
        touch(conn, &basket, expires_at)?;
        if change_line(conn, &basket, product_id, change)? {
            Ok(())
        } else {
            // Roll back: a refused first change leaves no empty basket behind.
            Err(diesel::result::Error::RollbackTransaction)
        }
    });
    match created {
        Ok(()) => Ok(ChangeOutcome::Changed {
            basket,
            created: true,
        }),
        Err(diesel::result::Error::RollbackTransaction) => refusal(conn, None, product_id, change),
        Err(error) => Err(error),
    }
}

/// Why a line change was refused: the product is unknown, or the line would need more
/// than the stock or 99.
fn refusal(
    conn: &mut DbConnection,
    basket: Option<&BasketId>,
    product_id: i64,
    change: LineChange,
) -> QueryResult<ChangeOutcome> {
    let Some(product) = product::find_active(conn, product_id)? else {
        return Ok(ChangeOutcome::UnknownProduct);
    };
    let wanted = match change {
        LineChange::Set(quantity) => quantity,
        LineChange::Add(quantity) => {
            let in_basket = match basket {
                Some(basket) => lines(conn, basket)?
                    .iter()
                    .find(|line| line.product_id == product_id)
                    .map_or(0, |line| line.quantity),
                None => 0,
            };
            in_basket + quantity
        }
    };
    Ok(ChangeOutcome::Refused { product, wanted })
}

/// Removes a product's line from the shopper's basket, if any. Returns false when there
/// was no line and no such product either.
pub fn remove_product(
    conn: &mut DbConnection,
    basket: Option<&BasketId>,
    product_id: i64,
) -> QueryResult<bool> {
    let removed = match basket {
        Some(basket) => remove_line(conn, basket, product_id)?,
        None => false,
    };
    Ok(removed || product::find(conn, product_id)?.is_some())
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
    on_backend!(conn, backend => upsert.execute(backend))?;
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
            products::active,
            basket_items::seen_price_pence,
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

/// Empties a basket, keeping it (an account's, after its order).
pub fn clear(conn: &mut DbConnection, basket: &BasketId) -> QueryResult<()> {
    diesel::delete(basket_items::table.filter(basket_items::basket_id.eq(basket.as_str())))
        .execute(conn)?;
    Ok(())
}

/// Deletes at most `limit` expired baskets (their lines go with them).
pub fn delete_expired_batch(conn: &mut DbConnection, now: i64, limit: i64) -> QueryResult<usize> {
    super::delete_expired_batch(conn, ("baskets", "id"), now, limit)
}
