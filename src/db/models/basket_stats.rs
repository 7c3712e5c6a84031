//! What the live baskets come to, for admins: read-only aggregates over unexpired rows.
//!
//! A basket lives exactly as long as its session (its expiry moves with the session's), so
//! "unexpired baskets" are the baskets of live sessions. A basket's last change is its
//! expiry less the session lifetime (to within the 1% refresh lag, see
//! `TypedSession::due_for_refresh`). Four statements, each a scan of the live rows through
//! the `expires_at` indexes; nothing is written.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::schema::sessions;
use crate::db::sql;
use crate::db::{DbConnection, QueryResult};

#[derive(Debug, Clone, Default, QueryableByName)]
pub struct BasketTotals {
    #[diesel(sql_type = BigInt)]
    pub baskets: i64,
    #[diesel(sql_type = BigInt)]
    pub units: i64,
    #[diesel(sql_type = BigInt)]
    pub value_pence: i64,
    #[diesel(sql_type = BigInt)]
    pub idle: i64,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct TopProduct {
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = BigInt)]
    pub baskets: i64,
    #[diesel(sql_type = BigInt)]
    pub units: i64,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct IdleBasket {
    #[diesel(sql_type = BigInt)]
    pub expires_at: i64,
    #[diesel(sql_type = BigInt)]
    pub units: i64,
    #[diesel(sql_type = BigInt)]
    pub value_pence: i64,
}

/// Live baskets and their lines, with what their products cost now.
const LIVE_LINES: &str = "FROM baskets b JOIN basket_items i ON i.basket_id = b.id \
     JOIN products p ON p.id = i.product_id WHERE b.expires_at > $1";

pub fn live_sessions(conn: &mut DbConnection, now: i64) -> QueryResult<i64> {
    sessions::table
        .filter(sessions::expires_at.gt(now))
        .count()
        .get_result(conn)
}

/// Open baskets, the units and value in them, and how many of them last changed before
/// `idle_before` (an expiry: a basket whose expiry is below it is idle).
pub fn totals(conn: &mut DbConnection, now: i64, idle_before: i64) -> QueryResult<BasketTotals> {
    let sql = format!(
        "WITH live AS (SELECT b.id, b.expires_at, i.quantity, p.price_pence {LIVE_LINES}) \
         SELECT COUNT(DISTINCT id) AS baskets, \
         CAST(COALESCE(SUM(quantity), 0) AS BIGINT) AS units, \
         CAST(COALESCE(SUM(quantity * price_pence), 0) AS BIGINT) AS value_pence, \
         COUNT(DISTINCT CASE WHEN expires_at < $2 THEN id END) AS idle FROM live"
    );
    sql::raw(&sql)
        .bind::<BigInt, _>(now)
        .bind::<BigInt, _>(idle_before)
        .get_result(conn)
}

/// The products in the most live baskets.
pub fn top_products(conn: &mut DbConnection, now: i64, limit: i64) -> QueryResult<Vec<TopProduct>> {
    let sql = format!(
        "SELECT p.name AS name, COUNT(*) AS baskets, CAST(SUM(i.quantity) AS BIGINT) AS units \
         {LIVE_LINES} GROUP BY p.id, p.name ORDER BY baskets DESC, units DESC, p.name LIMIT $2"
    );
    sql::raw(&sql)
        .bind::<BigInt, _>(now)
        .bind::<BigInt, _>(limit)
        .load(conn)
}

/// The live baskets idle longest (expiry below `idle_before`), oldest first.
pub fn idle_baskets(
    conn: &mut DbConnection,
    now: i64,
    idle_before: i64,
    limit: i64,
) -> QueryResult<Vec<IdleBasket>> {
    let sql = format!(
        "SELECT b.expires_at AS expires_at, CAST(SUM(i.quantity) AS BIGINT) AS units, \
         CAST(SUM(i.quantity * p.price_pence) AS BIGINT) AS value_pence \
         {LIVE_LINES} AND b.expires_at < $2 GROUP BY b.id, b.expires_at \
         ORDER BY b.expires_at LIMIT $3"
    );
    sql::raw(&sql)
        .bind::<BigInt, _>(now)
        .bind::<BigInt, _>(idle_before)
        .bind::<BigInt, _>(limit)
        .load(conn)
}
