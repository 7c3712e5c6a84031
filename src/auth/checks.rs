//! Password checks and their limits, in one place: how many run at once on this instance,
//! how long a login waits for its turn, how long a permit rests after each check, and the
//! thread they run on.
//!
//! A login that names no account takes exactly the same path as one that does: it waits
//! for a permit in the same queue and verifies its password against a stand-in hash made
//! with the same parameters. So however long the queue, the answer's time does not tell
//! whether the name exists.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use super::{hash_password, verify_password, IdleWorker, WorkerGone};

/// How long a login waits for its turn to check a password before it is answered 503.
pub const PASSWORD_CHECK_WAIT: Duration = Duration::from_secs(10);

/// How many times as long as a password check its permit rests afterwards, so that
/// however long the queue of logins, hashing takes at most a quarter of the cores it is
/// allowed and shoppers' pages keep the rest (measured: with half the rest, a flood of
/// failed logins still doubled shoppers' p99 on two cores).
pub const PERMIT_REST: u32 = 3;

/// Why a password could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// No permit within [`PASSWORD_CHECK_WAIT`]: the instance is busy checking others.
    #[error("no password check could start within {PASSWORD_CHECK_WAIT:?}")]
    Busy,
    #[error(transparent)]
    WorkerGone(#[from] WorkerGone),
    #[error(transparent)]
    Hash(anyhow::Error),
}

/// The instance's password checks: a bounded, resting queue in front of the
/// idle-priority thread. Cloning shares them.
#[derive(Clone, Debug)]
pub struct PasswordChecks {
    permits: Arc<Semaphore>,
    worker: IdleWorker,
    /// A hash of a random password no one knows, checked for names with no account.
    stand_in_hash: Arc<str>,
}

/// The bound on concurrent password checks: half the cores, at least one.
pub fn permits_for_this_machine() -> usize {
    std::thread::available_parallelism().map_or(1, |cores| (usize::from(cores) / 2).max(1))
}

impl PasswordChecks {
    /// Starts the thread and makes the stand-in hash (one Argon2 hash, at start).
    pub fn start(permits: usize) -> anyhow::Result<Self> {
        let stand_in = uuid::Uuid::new_v4().to_string();
        Ok(Self {
            permits: Arc::new(Semaphore::new(permits.max(1))),
            worker: IdleWorker::start("password-checks")?,
            stand_in_hash: hash_password(&stand_in)?.into(),
        })
    }

    /// Hashes a new password (sign-up, a change, a reset), on the same queue and thread
    /// as the checks, so that a flood of sign-ups is bounded like one of logins.
    pub async fn hash(&self, password: String) -> Result<String, CheckError> {
        let permit = self.permit().await?;
        let started = Instant::now();
        let hashed = self.worker.run(move || hash_password(&password)).await;
        Self::rest(permit, started.elapsed());
        hashed?.map_err(CheckError::Hash)
    }

    async fn permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, CheckError> {
        actix_rt::time::timeout(
            PASSWORD_CHECK_WAIT,
            Arc::clone(&self.permits).acquire_owned(),
        )
        .await
        .map_err(|_| CheckError::Busy)?
        .map_err(|_| CheckError::Busy)
    }

    /// The permit rests [`PERMIT_REST`] times as long as its work `took`.
    fn rest(permit: tokio::sync::OwnedSemaphorePermit, took: Duration) {
        actix_rt::spawn(async move {
            actix_rt::time::sleep(took * PERMIT_REST).await;
            drop(permit);
        });
    }

    /// Whether `password` matches `hash`; with no hash (no such account) the same work is
    /// done against the stand-in, and the answer is false. Waits its turn first.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, CheckError> {
        let permit = self.permit().await?;
        let real = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.stand_in_hash.to_string());
        let started = Instant::now();
        let matched = self
            .worker
            .run(move || verify_password(&password, &hash))
            .await;
        Self::rest(permit, started.elapsed());
        Ok(matched? && real)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_rt::test]
    async fn a_missing_account_never_verifies_but_is_checked_like_a_real_one() {
        let checks = PasswordChecks::start(1).expect("start");
        let hash = hash_password("right password").expect("hash");

        assert!(checks
            .verify("right password".into(), Some(hash.clone()))
            .await
            .expect("checked"));
        assert!(!checks
            .verify("wrong".into(), Some(hash))
            .await
            .expect("checked"));
        assert!(!checks
            .verify("anything".into(), None)
            .await
            .expect("checked"));
        assert_eq!(
            checks.permits.available_permits(),
            0,
            "the permit rests after each check"
        );
    }
}
