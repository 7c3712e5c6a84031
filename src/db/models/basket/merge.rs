//! A guest's basket merged into an account's at sign-in: each line's quantity is the sum,
//! capped at 99 and at the stock; a product no longer on sale is dropped. The guest basket
//! is deleted, and a redirect left in its place, so that a change in flight for it (from
//! another tab) follows it into the account's basket instead of being lost.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};

use super::{lines, BasketLine};
use crate::db::schema::{basket_merges, baskets};
use crate::db::{on_backend, sql, write_transaction, DbConnection, Prepared, QueryResult};
use crate::domain::{BasketId, Quantity};

/// What a merge did, line by line, for the page after sign-in to tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Lines brought over: the product's name and the quantity the guest basket held.
    pub merged: Vec<(String, i32)>,
    /// Lines whose sum was capped: the name, the sum, and what the line holds now.
    pub capped: Vec<CappedLine>,
    /// Products no longer on sale, left out.
    pub dropped: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CappedLine {
    pub name: String,
    pub wanted: i32,
    pub kept: i32,
    /// The stock was the cap (else the most a line may hold).
    pub by_stock: bool,
}

impl MergeReport {
    pub fn is_empty(&self) -> bool {
        self.merged.is_empty() && self.dropped.is_empty()
    }
}

// Locks the guest basket's row, so that a change in flight for it commits first (and is
// merged) and one that comes after waits, then finds the row gone and the redirect.
const LOCK_GUEST_PG: &str = "SELECT 1 AS returned FROM baskets WHERE id = $1 FOR UPDATE";

/// Merges basket `from` (a guest's) into `into` (the account's), in one transaction; the
/// redirect from `from` lasts until `redirect_until` (when the guest session would have
/// expired). A basket already merged (a second sign-in at once) or gone merges nothing.
pub fn merge_into(
    conn: &mut DbConnection,
    from: &BasketId,
    into: &BasketId,
    redirect_until: i64,
) -> QueryResult<MergeReport> {
    write_transaction(conn, |conn| {
        if let DbConnection::Postgresql(_) = conn {
            let lock = sql::raw(LOCK_GUEST_PG).bind::<Text, _>(from.as_str());
            if Prepared::new(lock)
                .load::<crate::db::Returned>(conn)?
                .is_empty()
            {
                return Ok(MergeReport::default());
            }
        }
        let guest = lines(conn, from)?;
        let account = lines(conn, into)?;
        let mut report = MergeReport::default();
        for line in guest {
            if line.active {
                add_capped(conn, into, &line, &account, &mut report)?;
            } else {
                report.dropped.push(line.name);
            }
        }
        diesel::delete(baskets::table.find(from.as_str())).execute(conn)?;
        let redirect = diesel::insert_into(basket_merges::table)
            .values((
                basket_merges::from_id.eq(from.as_str()),
                basket_merges::into_id.eq(into.as_str()),
                basket_merges::expires_at.eq(redirect_until),
            ))
            .on_conflict_do_nothing();
        on_backend!(conn, backend => redirect.execute(backend))?;
        Ok(report)
    })
}

/// Adds a guest line to the account's basket, the sum capped at 99 and at the stock, in
/// one statement (`sql/basket_merge_line.sql`), and notes it in the report.
fn add_capped(
    conn: &mut DbConnection,
    into: &BasketId,
    line: &BasketLine,
    account: &[BasketLine],
    report: &mut MergeReport,
) -> QueryResult<()> {
    let cap = line.stock.min(Quantity::MAX);
    let there = account
        .iter()
        .find(|held| held.product_id == line.product_id)
        .map_or(0, |held| held.quantity);
    let wanted = there.saturating_add(line.quantity);
    report.merged.push((line.name.clone(), line.quantity));
    if wanted > cap {
        report.capped.push(CappedLine {
            name: line.name.clone(),
            wanted,
            kept: cap,
            by_stock: line.stock < Quantity::MAX,
        });
    }
    if cap <= 0 {
        return Ok(());
    }
    let query = sql::raw(sql::BASKET_MERGE_LINE)
        .bind::<Text, _>(into.as_str())
        .bind::<BigInt, _>(line.product_id)
        .bind::<Integer, _>(line.quantity.min(cap))
        .bind::<Nullable<BigInt>, _>(line.seen_price_pence)
        .bind::<Integer, _>(cap);
    query.execute(conn)?;
    Ok(())
}

/// The account basket a guest basket was merged into, if it was.
pub fn merged_into(conn: &mut DbConnection, from: &BasketId) -> QueryResult<Option<BasketId>> {
    let into: Option<String> = basket_merges::table
        .find(from.as_str())
        .select(basket_merges::into_id)
        .first(conn)
        .optional()?;
    Ok(into.map(BasketId::from_stored))
}

/// Deletes at most `limit` expired redirects.
pub fn delete_expired_merges_batch(
    conn: &mut DbConnection,
    now: i64,
    limit: i64,
) -> QueryResult<usize> {
    crate::db::models::delete_expired_batch(conn, ("basket_merges", "from_id"), now, limit)
}
