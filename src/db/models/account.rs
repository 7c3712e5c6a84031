//! Shoppers' accounts: each with one basket, made with it and shared by all of its
//! sessions, and the orders it placed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::order::Order;
use super::session::{self, Owner};
use crate::db::schema::{accounts, baskets, orders};
use crate::db::{on_backend, search, write_transaction, DbConnection, QueryResult};
use crate::domain::{BasketId, OrderStatus};

/// The expiry of an account's basket: it lives as long as the account.
pub const ACCOUNT_BASKET_EXPIRES_AT: i64 = i64::MAX;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: i64,
    /// In lower case.
    pub email: String,
    /// May be empty: the name is optional.
    pub name: String,
    pub password_hash: String,
    pub basket_id: String,
    pub created_at: NaiveDateTime,
}

impl Account {
    pub fn basket(&self) -> BasketId {
        BasketId::from_stored(self.basket_id.clone())
    }

    /// What the pages' header calls the shopper: the name, else the email.
    pub fn shown_name(&self) -> &str {
        if self.name.is_empty() {
            &self.email
        } else {
            &self.name
        }
    }
}

/// A new account's details, checked and hashed.
#[derive(Debug, Clone, Copy)]
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub now: NaiveDateTime,
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Account>> {
    accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .optional()
}

/// The account with this email (given in lower case), if any.
pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<Account>> {
    accounts::table
        .filter(accounts::email.eq(email))
        .select(Account::as_select())
        .first(conn)
        .optional()
}

/// Creates the account with its (empty) basket. `None`, writing nothing, when the email
/// has an account already.
pub fn create(conn: &mut DbConnection, new: &NewAccount<'_>) -> QueryResult<Option<Account>> {
    let basket = BasketId::generate();
    let created = write_transaction(conn, |conn| {
        diesel::insert_into(baskets::table)
            .values((
                baskets::id.eq(basket.as_str()),
                baskets::expires_at.eq(ACCOUNT_BASKET_EXPIRES_AT),
            ))
            .execute(conn)?;
        let insert = diesel::insert_into(accounts::table)
            .values((
                accounts::email.eq(new.email),
                accounts::name.eq(new.name),
                accounts::password_hash.eq(new.password_hash),
                accounts::basket_id.eq(basket.as_str()),
                accounts::created_at.eq(new.now),
            ))
            .on_conflict(accounts::email)
            .do_nothing()
            .returning(accounts::id);
        let id: Option<i64> = on_backend!(conn, backend => insert.get_result(backend).optional())?;
        // The email is taken: roll the basket back too.
        id.ok_or(diesel::result::Error::RollbackTransaction)
    });
    match created {
        Ok(id) => find(conn, id),
        Err(diesel::result::Error::RollbackTransaction) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Sets the password and ends every session of the account but `keep` (none with
/// `None`), in one transaction: a session signed in with the old password is over the
/// moment the new one is set. Returns how many sessions ended.
pub fn set_password(
    conn: &mut DbConnection,
    id: i64,
    password_hash: &str,
    keep: Option<&[u8]>,
) -> QueryResult<usize> {
    write_transaction(conn, |conn| replace_password(conn, id, password_hash, keep))
}

/// [`set_password`]'s work, inside the caller's transaction.
pub fn replace_password(
    conn: &mut DbConnection,
    id: i64,
    password_hash: &str,
    keep: Option<&[u8]>,
) -> QueryResult<usize> {
    diesel::update(accounts::table.find(id))
        .set(accounts::password_hash.eq(password_hash))
        .execute(conn)?;
    session::delete_for(conn, Owner::Account(id), keep)
}

/// Deletes the account: its sessions end, its basket and reset links go, its orders stay,
/// detached. One transaction. False when there was no such account.
pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    write_transaction(conn, |conn| {
        let Some(account) = find(conn, id)? else {
            return Ok(false);
        };
        session::delete_for(conn, Owner::Account(id), None)?;
        diesel::update(orders::table.filter(orders::account_id.eq(id)))
            .set(orders::account_id.eq(None::<i64>))
            .execute(conn)?;
        diesel::delete(accounts::table.find(id)).execute(conn)?;
        diesel::delete(baskets::table.find(account.basket_id)).execute(conn)?;
        Ok(true)
    })
}

/// The account's orders, newest first (at most `limit`).
pub fn orders(conn: &mut DbConnection, id: i64, limit: i64) -> QueryResult<Vec<Order>> {
    orders::table
        .filter(orders::account_id.eq(id))
        .order(orders::id.desc())
        .limit(limit)
        .select(Order::as_select())
        .load(conn)
}

/// The delivery address of the account's latest order, for its next checkout.
pub fn last_address(conn: &mut DbConnection, id: i64) -> QueryResult<Option<String>> {
    orders::table
        .filter(orders::account_id.eq(id))
        .order(orders::id.desc())
        .select(orders::customer_address)
        .first(conn)
        .optional()
}

/// An account as the admins' customer list shows it.
#[derive(Debug, Clone)]
pub struct Customer {
    pub account: Account,
    pub orders: i64,
    /// What its orders came to, cancelled ones left out (pence).
    pub spent_pence: i64,
}

/// One page of accounts, newest first, whose email or name holds `q`; and how many
/// match in all.
pub fn customers(
    conn: &mut DbConnection,
    q: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Customer>, i64)> {
    let matching = || {
        let mut query = accounts::table.into_boxed();
        if let Some(q) = q {
            query = query.filter(
                search::contains(accounts::email, q).or(search::contains(accounts::name, q)),
            );
        }
        query
    };
    let total = matching().count().get_result(conn)?;
    let page: Vec<Account> = matching()
        .order(accounts::id.desc())
        .limit(limit)
        .offset(offset)
        .select(Account::as_select())
        .load(conn)?;
    let ids: Vec<i64> = page.iter().map(|account| account.id).collect();
    let totals = order_totals(conn, &ids)?;
    let customers = page
        .into_iter()
        .map(|account| {
            let (orders, spent_pence) = totals
                .iter()
                .find(|(id, _, _)| *id == account.id)
                .map_or((0, 0), |(_, orders, spent)| (*orders, *spent));
            Customer {
                account,
                orders,
                spent_pence,
            }
        })
        .collect();
    Ok((customers, total))
}

/// For each of these accounts: its number of orders and what they came to, cancelled ones
/// left out.
pub fn order_totals(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, i64, i64)>> {
    let rows: Vec<(Option<i64>, i64, i64)> = orders::table
        .filter(orders::account_id.eq_any(ids))
        .filter(orders::status.ne(OrderStatus::Cancelled.as_str()))
        .group_by(orders::account_id)
        .select((
            orders::account_id,
            diesel::dsl::sql::<diesel::sql_types::BigInt>("COUNT(*)"),
            diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "CAST(COALESCE(SUM(total_pence), 0) AS BIGINT)",
            ),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, orders, spent)| Some((id?, orders, spent)))
        .collect())
}
