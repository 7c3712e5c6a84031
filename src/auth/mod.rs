//! Authentication of admins and shoppers: Argon2id password hashes, login throttling
//! ([`login`]), and creating admins.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::db::models::admin;
use crate::db::Db;

mod checks;
mod login;

pub use crate::idle_worker::{IdleWorker, WorkerGone};
pub use checks::{permits_for_this_machine, CheckError, PasswordChecks};
pub use login::{
    check_password, claim_attempt, find_admin, verify_claimed, Claim, LoginError, LoginOutcome,
    MAX_USERNAME_CHARS,
};

/// Failed logins allowed for one username within [`THROTTLE_WINDOW_SECS`]; the next
/// attempt is answered 429 without looking at the password.
pub const MAX_FAILURES: i64 = 5;
pub use crate::db::models::login_failure::{Realm, THROTTLE_WINDOW_SECS};

/// A failed login is answered no sooner than this after it arrived, whether or not its
/// username exists (both take the same path through [`PasswordChecks`]): the answer's
/// time then hides how long the check itself took. Far longer than a check takes.
pub const FAILED_LOGIN_DELAY: std::time::Duration = std::time::Duration::from_secs(1);

/// The shortest password `create-admin` accepts.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Usernames are compared case-insensitively: stored and throttled in lower case.
pub fn normalize_username(username: &str) -> String {
    username.trim().to_lowercase()
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| anyhow::anyhow!("hashing the password failed: {error}"))
}

/// Verifies `password` against a PHC hash string; a malformed hash never verifies.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// What [`create_admin`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum AdminChange {
    Created,
    PasswordChanged,
    AlreadyExists,
}

fn check_new(username: &str, password: &str) -> anyhow::Result<()> {
    if username.is_empty()
        || username.chars().count() > 64
        || username.chars().any(char::is_control)
    {
        anyhow::bail!("the username must be 1 to 64 printable characters");
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        anyhow::bail!("the password must have at least {MIN_PASSWORD_CHARS} characters");
    }
    Ok(())
}

/// Creates the admin, or (when `replace_password`) sets the password of an existing one.
pub fn create_admin(
    db: &Db,
    username: &str,
    password: &str,
    replace_password: bool,
) -> anyhow::Result<AdminChange> {
    let username = normalize_username(username);
    check_new(&username, password)?;
    let hash = hash_password(password)?;
    let mut conn = db.conn()?;
    let now = chrono::Utc::now().naive_utc();
    if admin::insert(&mut conn, &username, &hash, now)? {
        return Ok(AdminChange::Created);
    }
    if replace_password {
        admin::set_password(&mut conn, &username, &hash)?;
        // A new password ends every session signed in with the old one.
        if let Some(found) = admin::find_by_username(&mut conn, &username)? {
            use crate::db::models::session::{delete_for, Owner};
            delete_for(&mut conn, Owner::Admin(found.id), None)?;
        }
        return Ok(AdminChange::PasswordChanged);
    }
    Ok(AdminChange::AlreadyExists)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let first = hash_password("correct horse").expect("hash");
        let second = hash_password("correct horse").expect("hash");
        assert!(first.starts_with("$argon2id$"));
        assert_ne!(first, second, "salted");
        assert!(verify_password("correct horse", &first));
        assert!(!verify_password("wrong horse", &first));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn usernames_are_case_insensitive() {
        assert_eq!(normalize_username("  Alice "), "alice");
    }
}
