//! Orders: placing one exactly once, and reading them back.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::{basket, product};
use crate::db::schema::{order_lines, orders};
use crate::db::{is_unique_violation, write_transaction, DbConnection, QueryResult};
use crate::domain::{CustomerDetails, OrderToken};
use crate::session::BasketId;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = orders)]
pub struct Order {
    pub id: i64,
    pub order_token: String,
    pub status: String,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_address: String,
    pub total_pence: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_lines)]
pub struct OrderLine {
    pub id: i64,
    pub order_id: i64,
    pub product_id: i64,
    pub product_name: String,
    pub unit_price_pence: i64,
    pub quantity: i32,
}

#[derive(Insertable)]
#[diesel(table_name = order_lines)]
struct NewOrderLine<'a> {
    order_id: i64,
    product_id: i64,
    product_name: &'a str,
    unit_price_pence: i64,
    quantity: i32,
}

/// A basket line there was not enough stock for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortLine {
    pub name: String,
    pub wanted: i32,
    pub in_stock: i32,
}

/// What an attempt to place an order came to.
#[derive(Debug)]
pub enum Placement {
    Placed,
    /// An order with this token exists already (a resubmitted or concurrent form).
    AlreadyPlaced,
    EmptyBasket,
    OutOfStock(Vec<ShortLine>),
}

/// Why the placing transaction rolled back.
enum Abort {
    Db(diesel::result::Error),
    EmptyBasket,
    OutOfStock(Vec<ShortLine>),
}

impl From<diesel::result::Error> for Abort {
    fn from(error: diesel::result::Error) -> Self {
        Self::Db(error)
    }
}

/// Places the order for `basket` in one transaction: takes the stock with conditional
/// updates (never below zero), writes the order and its lines with the prices copied, and
/// deletes the basket. The unique order token makes concurrent submits of one form place
/// one order; whoever loses learns `AlreadyPlaced`.
pub fn place(
    conn: &mut DbConnection,
    basket_id: &BasketId,
    token: OrderToken,
    customer: &CustomerDetails,
    now: NaiveDateTime,
) -> QueryResult<Placement> {
    let token_text = token.to_string();
    let attempt = write_transaction(conn, |conn| {
        let lines = basket::lines(conn, basket_id)?;
        if lines.is_empty() {
            return Err(Abort::EmptyBasket);
        }
        let mut short = Vec::new();
        for line in &lines {
            if !product::take_stock(conn, line.product_id, line.quantity)? {
                short.push(ShortLine {
                    name: line.name.clone(),
                    wanted: line.quantity,
                    in_stock: line.stock,
                });
            }
        }
        if !short.is_empty() {
            return Err(Abort::OutOfStock(short));
        }
        let total: i64 = lines
            .iter()
            .map(|line| line.unit_price_pence * i64::from(line.quantity))
            .sum();
        diesel::insert_into(orders::table)
            .values((
                orders::order_token.eq(&token_text),
                orders::status.eq("placed"),
                orders::customer_name.eq(customer.name.as_str()),
                orders::customer_email.eq(customer.email.as_str()),
                orders::customer_address.eq(customer.address.as_str()),
                orders::total_pence.eq(total),
                orders::created_at.eq(now),
            ))
            .execute(conn)?;
        let order_id: i64 = orders::table
            .filter(orders::order_token.eq(&token_text))
            .select(orders::id)
            .first(conn)?;
        let new_lines: Vec<NewOrderLine<'_>> = lines
            .iter()
            .map(|line| NewOrderLine {
                order_id,
                product_id: line.product_id,
                product_name: &line.name,
                unit_price_pence: line.unit_price_pence,
                quantity: line.quantity,
            })
            .collect();
        for line in &new_lines {
            diesel::insert_into(order_lines::table)
                .values(line)
                .execute(conn)?;
        }
        basket::delete(conn, basket_id)?;
        Ok(())
    });
    let outcome = match attempt {
        Ok(()) => return Ok(Placement::Placed),
        Err(Abort::Db(error)) if is_unique_violation(&error) => {
            return Ok(Placement::AlreadyPlaced)
        }
        Err(Abort::Db(error)) => return Err(error),
        Err(Abort::EmptyBasket) => Placement::EmptyBasket,
        Err(Abort::OutOfStock(short)) => Placement::OutOfStock(short),
    };
    // A concurrent submit of the same form may have placed the order (and emptied the
    // basket, or taken the stock) while this one waited: then that order is the answer.
    if find_by_token(conn, token)?.is_some() {
        Ok(Placement::AlreadyPlaced)
    } else {
        Ok(outcome)
    }
}

pub fn find_by_token(conn: &mut DbConnection, token: OrderToken) -> QueryResult<Option<Order>> {
    orders::table
        .filter(orders::order_token.eq(token.to_string()))
        .select(Order::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Order>> {
    orders::table
        .find(id)
        .select(Order::as_select())
        .first(conn)
        .optional()
}

pub fn lines(conn: &mut DbConnection, order_id: i64) -> QueryResult<Vec<OrderLine>> {
    order_lines::table
        .filter(order_lines::order_id.eq(order_id))
        .select(OrderLine::as_select())
        .order(order_lines::id)
        .load(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    orders::table.count().get_result(conn)
}
