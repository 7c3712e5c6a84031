//! Admin authentication: Argon2id password hashes, login throttling, and creating admins.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::db::models::{admin, unix_now};
use crate::db::Db;

mod checks;
mod idle_worker;

pub use checks::{permits_for_this_machine, CheckError, PasswordChecks};
pub use idle_worker::{IdleWorker, WorkerGone};

/// Failed logins allowed for one username within [`THROTTLE_WINDOW_SECS`]; the next
/// attempt is answered 429 without looking at the password.
pub const MAX_FAILURES: i64 = 5;
pub use crate::db::models::admin::THROTTLE_WINDOW_SECS;

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
            crate::db::models::session::delete_for_admin(&mut conn, found.id, None)?;
        }
        return Ok(AdminChange::PasswordChanged);
    }
    Ok(AdminChange::AlreadyExists)
}

/// The longest username a login may name; a longer one is refused before anything else.
pub const MAX_USERNAME_CHARS: usize = 150;

/// A login attempt that may go on to a password check: its claim is recorded, so that
/// attempts in parallel (on any instance) count each other.
#[derive(Debug, Clone)]
pub struct Claim {
    username: String,
}

/// Claims a password check for `username` in the database, before any hashing: the
/// attempt is recorded first, then the attempts within the window are counted, its own
/// included. Every attempt that gets a claim has committed its row before counting, so
/// of any number of parallel attempts at most [`MAX_FAILURES`] count no more than that.
/// A refused attempt withdraws its row: only checked passwords use up the allowance.
pub fn claim_attempt(db: &Db, username: &str) -> anyhow::Result<Option<Claim>> {
    let username = normalize_username(username);
    let now = unix_now();
    let mut conn = db.conn()?;
    let id = admin::record_failure(&mut conn, &username, now)?;
    let attempts = admin::failures_since(&mut conn, &username, now - THROTTLE_WINDOW_SECS)?;
    if attempts > MAX_FAILURES {
        admin::withdraw_failure(&mut conn, id)?;
        return Ok(None);
    }
    Ok(Some(Claim { username }))
}

/// The outcome of a password check.
#[derive(Debug, PartialEq, Eq)]
pub enum LoginOutcome {
    LoggedIn { admin_id: i64, username: String },
    WrongCredentials,
}

/// The admin a claimed attempt names, if there is one.
pub async fn find_admin(db: &Db, claim: &Claim) -> anyhow::Result<Option<admin::Admin>> {
    let username = claim.username.clone();
    db.run(move |conn| Ok::<_, anyhow::Error>(admin::find_by_username(conn, &username)?))
        .await
}

/// Checks the password of a claimed attempt on the admin it names, if any: an attempt
/// naming no admin takes the same path through the checks' queue, against a stand-in
/// hash, and fails. Its claim stays as a failure unless the password is right, when the
/// username's failures are forgotten. Argon2 runs on the idle-priority thread, holding
/// no connection meanwhile.
pub async fn check_password(
    db: &Db,
    checks: &PasswordChecks,
    claim: Claim,
    found: Option<admin::Admin>,
    password: String,
) -> Result<LoginOutcome, LoginError> {
    let hash = found.as_ref().map(|admin| admin.password_hash.clone());
    let verified = checks.verify(password, hash).await?;
    let Some(found) = found.filter(|_| verified) else {
        return Ok(LoginOutcome::WrongCredentials);
    };
    let username = claim.username;
    db.run(move |conn| {
        let since = unix_now() - THROTTLE_WINDOW_SECS;
        Ok::<_, anyhow::Error>(admin::clear_failures(conn, &username, since)?)
    })
    .await?;
    Ok(LoginOutcome::LoggedIn {
        admin_id: found.id,
        username: found.username,
    })
}

/// Why a login could not be decided.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error(transparent)]
    Check(#[from] CheckError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
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
