//! Placing an order exactly once.

mod write;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use sha2::{Digest, Sha256};

use super::find_by_token;
use crate::db::models::basket::BasketLine;
use crate::db::{
    is_retryable, is_unique_violation, sql, write_transaction, DbConnection, Prepared, QueryResult,
};
use crate::domain::{BasketId, CustomerDetails, OrderPayment, OrderToken};

/// The basket's version: a digest of its lines, quantities and prices. The checkout form
/// carries it, so that an order is placed only for the basket the shopper saw.
pub fn basket_version(lines: &[BasketLine]) -> String {
    let mut parts: Vec<(i64, i32, i64)> = lines
        .iter()
        .map(|line| (line.product_id, line.quantity, line.unit_price_pence))
        .collect();
    parts.sort_unstable();
    let mut digest = Sha256::new();
    for (product_id, quantity, price) in parts {
        digest.update(format!("{product_id}:{quantity}:{price};"));
    }
    hex::encode(&digest.finalize()[..16])
}

// The lines as checkout reads them: on PostgreSQL the basket row and its lines are locked
// until the order is written, so that an add waits for the checkout and then finds the
// basket gone, rather than slipping a line in that the order misses and the basket's
// deletion takes away. The basket row is locked first, in a statement of its own: an add
// in flight holds a key-share lock on it (its line's foreign key), and the lines must be
// read after that add committed, which a statement that waited for the lock would not see.
// The order's id is drawn with that lock, so that the order, its lines and its email can
// then be written in one statement. (SQLite's write transaction excludes the add already.)
const LOCK_BASKET_SQL: &str =
    "SELECT nextval('orders_id_seq') AS id FROM baskets WHERE id = $1 FOR UPDATE";

/// The basket as checkout holds it: its lines, locked for the rest of the transaction,
/// and on PostgreSQL the id its order will have.
struct Locked {
    order_id: Option<i64>,
    lines: Vec<BasketLine>,
}

#[derive(QueryableByName)]
struct Drawn {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The basket's lines, locked (see `sql/basket_lines_locked.sql`).
fn lock_basket(conn: &mut DbConnection, basket: &BasketId) -> QueryResult<Locked> {
    let (order_id, sql) = match conn {
        DbConnection::Postgresql(_) => {
            let lock = sql::raw(LOCK_BASKET_SQL).bind::<Text, _>(basket.as_str());
            let Some(drawn) = Prepared::new(lock).load::<Drawn>(conn)?.pop() else {
                // The basket is gone (ordered, or expired): nothing to order.
                return Ok(Locked {
                    order_id: None,
                    lines: Vec::new(),
                });
            };
            (
                Some(drawn.id),
                format!("{} FOR UPDATE OF bi, b", sql::BASKET_LINES_LOCKED),
            )
        }
        DbConnection::Sqlite(_) => (None, sql::BASKET_LINES_LOCKED.to_owned()),
    };
    let lines = sql::raw(sql).bind::<Text, _>(basket.as_str());
    let lines = Prepared::new(lines).load(conn)?;
    Ok(Locked { order_id, lines })
}

/// What a checkout asks for: the basket's order, with the details the shopper typed. The
/// basket must still be the one the form showed: its `version` (see [`basket_version`]).
/// With `ends_session` (the key hash of the shopper's session row), the session is
/// deleted with the order, in the same transaction: the order and the session's end
/// commit together, or neither does.
#[derive(Debug, Clone, Copy)]
pub struct NewOrder<'a> {
    pub basket_id: &'a BasketId,
    pub version: &'a str,
    pub token: OrderToken,
    pub customer: &'a CustomerDetails,
    pub now: NaiveDateTime,
    pub ends_session: Option<&'a [u8]>,
    /// The shopper's account, when signed in: the order is the account's, and the
    /// account's basket is emptied rather than deleted.
    pub account_id: Option<i64>,
    /// The payment it starts with: none needed, or awaited until a deadline.
    pub payment: OrderPayment,
}

/// A basket line there was not enough stock for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortLine {
    pub name: String,
    pub wanted: i32,
    pub in_stock: i32,
}

impl ShortLine {
    fn of(line: &BasketLine) -> Self {
        Self {
            name: line.name.clone(),
            wanted: line.quantity,
            in_stock: line.stock,
        }
    }
}

/// What an attempt to place an order came to.
#[derive(Debug)]
pub enum Placement {
    Placed,
    /// The basket is not the one the form showed (its version differs): nothing ordered.
    BasketChanged,
    /// An order with this token exists already (a resubmitted or concurrent form).
    AlreadyPlaced,
    EmptyBasket,
    OutOfStock(Vec<ShortLine>),
    /// Products taken off sale since they were added (their names), and the lines on
    /// sale whose stock is short as the checkout read it: nothing was ordered.
    Unavailable {
        names: Vec<String>,
        short: Vec<ShortLine>,
    },
}

/// Why the placing transaction rolled back.
enum Abort {
    Db(diesel::result::Error),
    EmptyBasket,
    BasketChanged,
    OutOfStock(Vec<ShortLine>),
    Unavailable {
        names: Vec<String>,
        short: Vec<ShortLine>,
    },
}

impl From<diesel::result::Error> for Abort {
    fn from(error: diesel::result::Error) -> Self {
        Self::Db(error)
    }
}

/// Places the order for `basket` in one transaction: takes the stock with one conditional
/// update (never below zero), writes the order and its lines with the prices copied, and
/// deletes the basket (and the session, with `ends_session`); see `write` for how each
/// backend does it. The unique order token makes concurrent submits of one form place one
/// order; whoever loses learns `AlreadyPlaced`. The basket must still be the one the form
/// showed (its `version`, see [`basket_version`]).
pub fn place(conn: &mut DbConnection, order: &NewOrder<'_>) -> QueryResult<Placement> {
    let outcome = match place_retrying(conn, order) {
        Ok(()) => return Ok(Placement::Placed),
        Err(Abort::Db(error)) if is_unique_violation(&error) => {
            return Ok(Placement::AlreadyPlaced)
        }
        Err(Abort::Db(error)) => return Err(error),
        Err(Abort::EmptyBasket) => Placement::EmptyBasket,
        Err(Abort::BasketChanged) => Placement::BasketChanged,
        Err(Abort::OutOfStock(short)) => Placement::OutOfStock(short),
        Err(Abort::Unavailable { names, short }) => Placement::Unavailable { names, short },
    };
    // A concurrent submit of the same form may have placed the order (and emptied the
    // basket, or taken the stock) while this one waited: then that order is the answer.
    if find_by_token(conn, order.token)?.is_some() {
        Ok(Placement::AlreadyPlaced)
    } else {
        Ok(outcome)
    }
}

/// How many times the placing transaction runs when it loses a race (serialization
/// failure or deadlock); after that the error stands, and the shopper gets a 503.
const ATTEMPTS: u32 = 3;

/// Runs the placing transaction, again (after a short, growing pause) when it failed only
/// because a concurrent transaction won. The rows are locked in one order, so this is a
/// safety net, not the way concurrent checkouts are kept apart.
fn place_retrying(conn: &mut DbConnection, order: &NewOrder<'_>) -> Result<(), Abort> {
    let mut attempt = 1;
    loop {
        let result = write_transaction(conn, |conn| write_order(conn, order));
        match result {
            Err(Abort::Db(error)) if is_retryable(&error) && attempt < ATTEMPTS => {
                log::warn!("checkout attempt {attempt} lost a race, retrying: {error}");
                std::thread::sleep(std::time::Duration::from_millis(
                    10 * u64::from(attempt) + u64::from(rand::random::<u8>() % 20),
                ));
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// The placing transaction's work: the basket's lines checked, then the order and its
/// lines, its confirmation email queued, the basket gone, and the stock taken.
fn write_order(conn: &mut DbConnection, order: &NewOrder<'_>) -> Result<(), Abort> {
    let Locked { order_id, lines } = lock_basket(conn, order.basket_id)?;
    if lines.is_empty() {
        return Err(Abort::EmptyBasket);
    }
    let unavailable: Vec<String> = lines
        .iter()
        .filter(|line| !line.active)
        .map(|line| line.name.clone())
        .collect();
    if !unavailable.is_empty() {
        // Every problem named at once: the lines short of stock too, as read here.
        let short = lines
            .iter()
            .filter(|line| line.active && line.stock < line.quantity)
            .map(ShortLine::of)
            .collect();
        return Err(Abort::Unavailable {
            names: unavailable,
            short,
        });
    }
    if order.version != basket_version(&lines) {
        return Err(Abort::BasketChanged);
    }
    let taken = write::write(conn, order, order_id, &lines)?;
    let short: Vec<ShortLine> = lines
        .iter()
        .filter(|line| !taken.contains(&line.product_id))
        .map(ShortLine::of)
        .collect();
    if short.is_empty() {
        Ok(())
    } else {
        Err(Abort::OutOfStock(short))
    }
}
