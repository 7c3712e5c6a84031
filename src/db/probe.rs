//! The health check's write probes, coalesced.

use std::sync::atomic::{AtomicU64, Ordering};

/// Coalesces concurrent write probes (`/healthz`): every caller gets the answer of a probe
/// that started after it arrived, so no answer is older than its request, yet a burst of
/// concurrent checks makes at most two writes to the one probe row instead of one each,
/// which would queue on that row's lock. Callers wait in arrival order.
#[derive(Debug, Default)]
pub(crate) struct ProbeQueue {
    started: AtomicU64,
    /// The number of the last probe and its answer (the error as text).
    last: tokio::sync::Mutex<(u64, Option<Result<(), String>>)>,
}

impl ProbeQueue {
    /// The answer of a probe started after `arrived`, running `probe` when there is none.
    pub(crate) async fn answer<F>(&self, probe: F) -> Result<(), super::DbError>
    where
        F: std::future::Future<Output = Result<(), super::DbError>>,
    {
        let arrived = self.started.load(Ordering::Acquire);
        let mut last = self.last.lock().await;
        if let (number, Some(answer)) = &*last {
            if *number > arrived {
                return answer.clone().map_err(super::DbError::Unavailable);
            }
        }
        let number = self.started.fetch_add(1, Ordering::AcqRel) + 1;
        let answer = probe.await;
        *last = (
            number,
            Some(answer.as_ref().map(|_| ()).map_err(ToString::to_string)),
        );
        answer
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    use super::ProbeQueue;

    #[actix_rt::test]
    async fn a_burst_of_health_checks_shares_probes_and_a_later_check_gets_a_new_one() {
        let queue = ProbeQueue::default();
        let probes = AtomicU32::new(0);
        let probe = || async {
            probes.fetch_add(1, Ordering::SeqCst);
            actix_rt::time::sleep(Duration::from_millis(20)).await;
            Ok(())
        };
        let burst = futures_util::future::join_all((0..32).map(|_| queue.answer(probe()))).await;
        assert!(burst.iter().all(Result::is_ok));
        assert!(
            probes.load(Ordering::SeqCst) <= 2,
            "{probes:?} probes for 32 checks"
        );

        let before = probes.load(Ordering::SeqCst);
        queue.answer(probe()).await.expect("the probe succeeds");
        assert_eq!(
            probes.load(Ordering::SeqCst),
            before + 1,
            "a later check writes again"
        );
    }
}
