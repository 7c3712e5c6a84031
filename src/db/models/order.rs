//! Orders: placing one exactly once, and reading them back.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use diesel::sql_types::{BigInt, Integer, Text};

use crate::db::models::basket::BasketLine;
use crate::db::models::{basket, product};
use crate::db::schema::{order_events, order_lines, orders};
use crate::db::{dialect_sql, is_unique_violation, write_transaction, DbConnection, QueryResult};
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

/// Writes an order's lines in one statement, with the names and prices copied from the
/// catalogue. (Diesel's batch insert on SQLite is one statement per row in a savepoint.)
fn insert_lines(conn: &mut DbConnection, order_id: i64, lines: &[BasketLine]) -> QueryResult<()> {
    let rows: Vec<String> = (0..lines.len())
        .map(|i| {
            let n = 5 * i;
            format!(
                "(${}, ${}, ${}, ${}, ${})",
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO order_lines (order_id, product_id, product_name, unit_price_pence, quantity) \
         VALUES {}",
        rows.join(", ")
    );
    let mut query = diesel::sql_query(dialect_sql(conn, &sql)).into_boxed();
    for line in lines {
        query = query
            .bind::<BigInt, _>(order_id)
            .bind::<BigInt, _>(line.product_id)
            .bind::<Text, _>(line.name.clone())
            .bind::<BigInt, _>(line.unit_price_pence)
            .bind::<Integer, _>(line.quantity);
    }
    query.execute(conn)?;
    Ok(())
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

/// Places the order for `basket` in one transaction: takes the stock with one conditional
/// update (never below zero), writes the order and its lines with the prices copied, and
/// deletes the basket. RETURNING and multi-row inserts are spelled per backend (Diesel's
/// multi-backend connection has neither). The unique order token makes concurrent submits of one form place
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
        let taken = product::take_stock_for(
            conn,
            &lines
                .iter()
                .map(|line| (line.product_id, line.quantity))
                .collect::<Vec<_>>(),
        )?;
        let short: Vec<ShortLine> = lines
            .iter()
            .filter(|line| !taken.contains(&line.product_id))
            .map(|line| ShortLine {
                name: line.name.clone(),
                wanted: line.quantity,
                in_stock: line.stock,
            })
            .collect();
        if !short.is_empty() {
            return Err(Abort::OutOfStock(short));
        }
        let total: i64 = lines
            .iter()
            .map(|line| line.unit_price_pence * i64::from(line.quantity))
            .sum();
        let insert_order = diesel::insert_into(orders::table)
            .values((
                orders::order_token.eq(&token_text),
                orders::status.eq("placed"),
                orders::customer_name.eq(customer.name.as_str()),
                orders::customer_email.eq(customer.email.as_str()),
                orders::customer_address.eq(customer.address.as_str()),
                orders::total_pence.eq(total),
                orders::created_at.eq(now),
            ))
            .returning(orders::id);
        let order_id: i64 = match conn {
            DbConnection::Postgresql(pg) => insert_order.get_result(pg)?,
            DbConnection::Sqlite(sqlite) => insert_order.get_result(sqlite)?,
        };
        insert_lines(conn, order_id, &lines)?;
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

/// The states an order goes through: placed, then shipped or cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Placed,
    Shipped,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Placed, Status::Shipped, Status::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Placed => "placed",
            Self::Shipped => "shipped",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// The only changes there are: placed → shipped and placed → cancelled.
    pub fn can_become(self, next: Status) -> bool {
        self == Self::Placed && next != Self::Placed
    }
}

diesel::define_sql_function!(fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text);

type Backend = <DbConnection as diesel::Connection>::Backend;

/// Which orders an admin is looking at.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub status: Option<Status>,
    /// Matches an order number (`42`, `#42`, `T000042`), or part of a name or email.
    pub query: Option<String>,
}

/// The id an order number means, if the text is one.
pub fn parse_order_number(text: &str) -> Option<i64> {
    let digits = text.trim().trim_start_matches('#').trim_start();
    let digits = digits
        .strip_prefix('T')
        .or_else(|| digits.strip_prefix('t'))
        .unwrap_or(digits);
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

fn filtered(filter: &OrderFilter) -> orders::BoxedQuery<'static, Backend> {
    let mut query = orders::table.into_boxed();
    if let Some(status) = filter.status {
        query = query.filter(orders::status.eq(status.as_str()));
    }
    if let Some(text) = filter
        .query
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
        // No order has id 0: a text that is not a number matches by name or email only.
        let id = parse_order_number(text).unwrap_or(0);
        query = query.filter(
            lower(orders::customer_name)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(orders::customer_email).like(pattern).escape('\\'))
                .or(orders::id.eq(id)),
        );
    }
    query
}

/// One page of the orders matching `filter`, newest first.
pub fn list(
    conn: &mut DbConnection,
    filter: &OrderFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<Order>> {
    filtered(filter)
        .select(Order::as_select())
        .order(orders::id.desc())
        .limit(limit)
        .offset(offset)
        .load(conn)
}

/// Every order matching `filter`, newest first (the CSV export).
pub fn list_all(conn: &mut DbConnection, filter: &OrderFilter) -> QueryResult<Vec<Order>> {
    filtered(filter)
        .select(Order::as_select())
        .order(orders::id.desc())
        .load(conn)
}

/// How many orders match, and their total in pence.
pub fn summary(conn: &mut DbConnection, filter: &OrderFilter) -> QueryResult<(i64, i64)> {
    filtered(filter)
        .select(diesel::dsl::sql::<(
            diesel::sql_types::BigInt,
            diesel::sql_types::BigInt,
        )>(
            "COUNT(*), CAST(COALESCE(SUM(total_pence), 0) AS BIGINT)"
        ))
        .first(conn)
}

/// (placed at, total in pence) of the orders placed since `since`, cancelled ones left out.
pub fn placed_since(
    conn: &mut DbConnection,
    since: NaiveDateTime,
) -> QueryResult<Vec<(NaiveDateTime, i64)>> {
    orders::table
        .filter(orders::created_at.ge(since))
        .filter(orders::status.ne(Status::Cancelled.as_str()))
        .select((orders::created_at, orders::total_pence))
        .load(conn)
}

/// Line counts per order, for a page of orders.
pub fn item_counts(conn: &mut DbConnection, order_ids: &[i64]) -> QueryResult<Vec<(i64, i32)>> {
    order_lines::table
        .filter(order_lines::order_id.eq_any(order_ids))
        .select((order_lines::order_id, order_lines::quantity))
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_events)]
pub struct OrderEvent {
    pub id: i64,
    pub order_id: i64,
    pub from_status: String,
    pub to_status: String,
    pub admin_username: String,
    pub created_at: NaiveDateTime,
}

pub fn events(conn: &mut DbConnection, order_id: i64) -> QueryResult<Vec<OrderEvent>> {
    order_events::table
        .filter(order_events::order_id.eq(order_id))
        .select(OrderEvent::as_select())
        .order(order_events::id)
        .load(conn)
}

/// What a status change came to.
#[derive(Debug, PartialEq, Eq)]
pub enum StatusChange {
    Changed,
    NotFound,
    /// The order is not in a state that can become the one asked for.
    Refused {
        current: String,
    },
}

enum StatusAbort {
    Db(diesel::result::Error),
    Refused(String),
    NotFound,
}

impl From<diesel::result::Error> for StatusAbort {
    fn from(error: diesel::result::Error) -> Self {
        Self::Db(error)
    }
}

/// Moves an order from placed to `next` in one transaction: a conditional update (so two
/// admins cannot both ship or cancel it), the stock put back when cancelled, and an event
/// saying who did it.
pub fn change_status(
    conn: &mut DbConnection,
    order_id: i64,
    next: Status,
    admin_username: &str,
    now: NaiveDateTime,
) -> QueryResult<StatusChange> {
    let result = write_transaction(conn, |conn| {
        let current = orders::table
            .find(order_id)
            .select(orders::status)
            .first::<String>(conn)
            .optional()?
            .ok_or(StatusAbort::NotFound)?;
        let allowed = Status::parse(&current).is_some_and(|status| status.can_become(next));
        if !allowed {
            return Err(StatusAbort::Refused(current));
        }
        let updated = diesel::update(
            orders::table
                .filter(orders::id.eq(order_id))
                .filter(orders::status.eq(Status::Placed.as_str())),
        )
        .set(orders::status.eq(next.as_str()))
        .execute(conn)?;
        if updated != 1 {
            return Err(StatusAbort::Refused(current));
        }
        if next == Status::Cancelled {
            for line in lines(conn, order_id)? {
                product::put_back_stock(conn, line.product_id, line.quantity)?;
            }
        }
        diesel::insert_into(order_events::table)
            .values((
                order_events::order_id.eq(order_id),
                order_events::from_status.eq(Status::Placed.as_str()),
                order_events::to_status.eq(next.as_str()),
                order_events::admin_username.eq(admin_username),
                order_events::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    });
    match result {
        Ok(()) => Ok(StatusChange::Changed),
        Err(StatusAbort::NotFound) => Ok(StatusChange::NotFound),
        Err(StatusAbort::Refused(current)) => Ok(StatusChange::Refused { current }),
        Err(StatusAbort::Db(error)) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_numbers_parse_in_every_spelling() {
        for text in ["42", "#42", "T000042", "t42", " 42 "] {
            assert_eq!(parse_order_number(text), Some(42), "{text:?}");
        }
        for text in ["", "T", "ada", "4 2", "-3"] {
            assert_eq!(parse_order_number(text), None, "{text:?}");
        }
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
    }

    #[test]
    fn only_placed_orders_change() {
        assert!(Status::Placed.can_become(Status::Shipped));
        assert!(Status::Placed.can_become(Status::Cancelled));
        assert!(!Status::Placed.can_become(Status::Placed));
        assert!(!Status::Shipped.can_become(Status::Cancelled));
        assert!(!Status::Cancelled.can_become(Status::Shipped));
    }
}
