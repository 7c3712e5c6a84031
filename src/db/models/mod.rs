//! Repositories: plain synchronous functions on `&mut DbConnection`, one module per aggregate.

pub mod account;
pub mod admin;
pub mod basket;
pub mod basket_stats;
pub mod category;
pub mod login_failure;
pub mod order;
pub mod outbox;
pub mod password_reset;
pub mod picture;
pub mod product;
pub mod product_admin;
pub mod product_history;
pub mod sampled;
pub mod secret;
pub mod session;

use diesel::sql_types::BigInt;
use diesel::RunQueryDsl;

use crate::db::sql;
use crate::db::{DbConnection, QueryResult};

/// Now, as Unix seconds: how expiry is stored.
pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Deletes at most `limit` rows of `table` whose `expires_at` is past `now`, chosen by
/// their key column `key`, so that no statement holds locks for long.
fn delete_expired_batch(
    conn: &mut DbConnection,
    (table, key): (&'static str, &'static str),
    now: i64,
    limit: i64,
) -> QueryResult<usize> {
    let sql = format!(
        "DELETE FROM {table} WHERE {key} IN \
         (SELECT {key} FROM {table} WHERE expires_at <= $1 LIMIT $2)"
    );
    sql::raw(&sql)
        .bind::<BigInt, _>(now)
        .bind::<BigInt, _>(limit)
        .execute(conn)
}
