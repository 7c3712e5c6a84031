//! A login attempt, admin's or shopper's: claimed against the throttle before any hashing,
//! then checked on the password checks' queue (see [`PasswordChecks`]).

use super::{normalize_username, CheckError, PasswordChecks, Realm, MAX_FAILURES};
use crate::db::models::{admin, login_failure, unix_now};
use crate::db::Db;

/// The longest username a login may name; a longer one is refused before anything else.
pub const MAX_USERNAME_CHARS: usize = 150;

/// A login attempt that may go on to a password check: its claim is recorded, so that
/// attempts in parallel (on any instance) count each other.
#[derive(Debug, Clone)]
pub struct Claim {
    realm: Realm,
    name: String,
}

impl Claim {
    /// The name the attempt gave, as it is stored and throttled (lower case).
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Claims a password check for `name` in `realm`, in the database, before any hashing:
/// the attempt is recorded first, then the attempts within the window are counted, its own
/// included. Every attempt that gets a claim has committed its row before counting, so
/// of any number of parallel attempts at most [`MAX_FAILURES`] count no more than that.
/// A refused attempt withdraws its row: only checked passwords use up the allowance.
pub fn claim_attempt(db: &Db, realm: Realm, name: &str) -> anyhow::Result<Option<Claim>> {
    let name = normalize_username(name);
    let now = unix_now();
    let mut conn = db.conn()?;
    let id = login_failure::record_failure(&mut conn, realm, &name, now)?;
    let since = now - login_failure::THROTTLE_WINDOW_SECS;
    let attempts = login_failure::failures_since(&mut conn, realm, &name, since)?;
    if attempts > MAX_FAILURES {
        login_failure::withdraw_failure(&mut conn, id)?;
        return Ok(None);
    }
    Ok(Some(Claim { realm, name }))
}

/// Why a login could not be decided.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error(transparent)]
    Check(#[from] CheckError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Checks the password of a claimed attempt against `hash`, the password hash of whoever
/// the attempt names, if anyone: an attempt naming no one takes the same path through the
/// checks' queue, against a stand-in hash, and fails. Its claim stays as a failure unless
/// the password is right, when the name's failures are forgotten. Argon2 runs on the
/// idle-priority thread, holding no connection meanwhile.
pub async fn verify_claimed(
    db: &Db,
    checks: &PasswordChecks,
    claim: Claim,
    hash: Option<String>,
    password: String,
) -> Result<bool, LoginError> {
    if !checks.verify(password, hash).await? {
        return Ok(false);
    }
    db.run(move |conn| {
        let since = unix_now() - login_failure::THROTTLE_WINDOW_SECS;
        Ok::<_, anyhow::Error>(login_failure::clear_failures(
            conn,
            claim.realm,
            &claim.name,
            since,
        )?)
    })
    .await?;
    Ok(true)
}

/// The outcome of an admin's password check.
#[derive(Debug, PartialEq, Eq)]
pub enum LoginOutcome {
    LoggedIn { admin_id: i64, username: String },
    WrongCredentials,
}

/// The admin a claimed attempt names, if there is one.
pub async fn find_admin(db: &Db, claim: &Claim) -> anyhow::Result<Option<admin::Admin>> {
    let username = claim.name.clone();
    db.run(move |conn| Ok::<_, anyhow::Error>(admin::find_by_username(conn, &username)?))
        .await
}

/// [`verify_claimed`] for the admin the attempt found, if any.
pub async fn check_password(
    db: &Db,
    checks: &PasswordChecks,
    claim: Claim,
    found: Option<admin::Admin>,
    password: String,
) -> Result<LoginOutcome, LoginError> {
    let hash = found.as_ref().map(|admin| admin.password_hash.clone());
    let verified = verify_claimed(db, checks, claim, hash, password).await?;
    Ok(match found.filter(|_| verified) {
        Some(admin) => LoginOutcome::LoggedIn {
            admin_id: admin.id,
            username: admin.username,
        },
        None => LoginOutcome::WrongCredentials,
    })
}
