//! Password reset links: the token's SHA-256 is kept, never the token (which travels only
//! in the email, see `outbox::enqueue_reset`); a token works once, within its hour.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{account, outbox};
use crate::db::schema::password_resets;
use crate::db::{on_backend, write_transaction, DbConnection, QueryResult};

/// How long a reset link works.
pub const RESET_LINK_LIFETIME_SECS: i64 = 60 * 60;

/// How many links an account may have working at once: asking for more sends nothing
/// more (the answer is the same), so that the form cannot flood someone's inbox.
pub const MAX_LIVE_LINKS: i64 = 3;

/// A reset asked for an account: the link's token hash and the email carrying the token.
#[derive(Debug, Clone, Copy)]
pub struct ResetRequest<'a> {
    pub account_id: i64,
    pub email: &'a str,
    pub token: &'a str,
    pub token_hash: &'a [u8],
    pub now: NaiveDateTime,
}

/// Records the link and queues its email, in one transaction. False, writing nothing,
/// when the account has [`MAX_LIVE_LINKS`] working already.
pub fn create(conn: &mut DbConnection, request: &ResetRequest<'_>) -> QueryResult<bool> {
    let now = request.now.and_utc().timestamp();
    write_transaction(conn, |conn| {
        let live: i64 = password_resets::table
            .filter(password_resets::account_id.eq(request.account_id))
            .filter(password_resets::expires_at.gt(now))
            .count()
            .get_result(conn)?;
        if live >= MAX_LIVE_LINKS {
            return Ok(false);
        }
        diesel::insert_into(password_resets::table)
            .values((
                password_resets::token_hash.eq(request.token_hash),
                password_resets::account_id.eq(request.account_id),
                password_resets::expires_at.eq(now.saturating_add(RESET_LINK_LIFETIME_SECS)),
            ))
            .execute(conn)?;
        outbox::enqueue_reset(
            conn,
            request.account_id,
            request.email,
            request.token,
            request.now,
        )?;
        Ok(true)
    })
}

/// The account a working link names, without using it (the form's page).
pub fn peek(conn: &mut DbConnection, token_hash: &[u8], now: i64) -> QueryResult<Option<i64>> {
    password_resets::table
        .filter(password_resets::token_hash.eq(token_hash))
        .filter(password_resets::expires_at.gt(now))
        .select(password_resets::account_id)
        .first(conn)
        .optional()
}

/// Uses a working link: deletes it, in one statement, so that of two uses at once only
/// one finds it; returns the account it named. The caller's transaction sets the password.
pub fn take(conn: &mut DbConnection, token_hash: &[u8], now: i64) -> QueryResult<Option<i64>> {
    let taken = diesel::delete(
        password_resets::table
            .filter(password_resets::token_hash.eq(token_hash))
            .filter(password_resets::expires_at.gt(now)),
    )
    .returning(password_resets::account_id);
    on_backend!(conn, backend => taken.get_result(backend).optional())
}

/// Sets a new password through a working link, in one transaction: the link is used up,
/// every session of the account ends and every other link of it stops working. Returns
/// the account, or `None` when the link is used, expired or unknown (nothing changed).
pub fn reset(
    conn: &mut DbConnection,
    token_hash: &[u8],
    password_hash: &str,
    now: i64,
) -> QueryResult<Option<i64>> {
    write_transaction(conn, |conn| {
        let Some(account_id) = take(conn, token_hash, now)? else {
            return Ok(None);
        };
        account::replace_password(conn, account_id, password_hash, None)?;
        delete_for_account(conn, account_id)?;
        Ok(Some(account_id))
    })
}

/// Forgets every link of the account (its password was just set).
pub fn delete_for_account(conn: &mut DbConnection, account_id: i64) -> QueryResult<usize> {
    diesel::delete(password_resets::table.filter(password_resets::account_id.eq(account_id)))
        .execute(conn)
}

/// Deletes at most `limit` expired links.
pub fn delete_expired_batch(conn: &mut DbConnection, now: i64, limit: i64) -> QueryResult<usize> {
    super::delete_expired_batch(conn, ("password_resets", "token_hash"), now, limit)
}
