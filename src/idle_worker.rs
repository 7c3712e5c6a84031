//! Password checks on a thread of their own at the lowest scheduling priority.
//!
//! Argon2 is slow by design, so a flood of failed logins is a flood of CPU work. On this
//! thread (Linux's `SCHED_IDLE`) that work runs only on CPU time that nothing else wants:
//! the shop's workers and its database connections preempt it at once, so shoppers'
//! pages keep their speed while the logins queue (and, past the login's wait, answer 503).

use std::sync::mpsc;
use std::thread;

use thread_priority::{
    set_thread_priority_and_policy, thread_native_id, NormalThreadSchedulePolicy, ThreadPriority,
    ThreadSchedulePolicy,
};
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// A handle on the idle-priority thread; cloning shares the thread.
#[derive(Clone, Debug)]
pub struct IdleWorker {
    jobs: mpsc::Sender<Job>,
}

/// The worker thread is gone (it cannot start, or a job panicked).
#[derive(Debug, thiserror::Error)]
#[error("the password-check thread is not running")]
pub struct WorkerGone;

impl IdleWorker {
    /// Starts the thread. Where the platform refuses the idle priority, the thread runs at
    /// the normal one and the log says so.
    pub fn start() -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("trolley-password-checks".into())
            .spawn(move || {
                let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
                if let Err(error) =
                    set_thread_priority_and_policy(thread_native_id(), ThreadPriority::Min, idle)
                {
                    log::warn!("password checks run at normal priority: {error:?}");
                }
                for job in queue {
                    job();
                }
            })?;
        Ok(Self { jobs })
    }

    /// Runs `work` on the thread, in arrival order, and waits for its answer.
    pub async fn run<T, F>(&self, work: F) -> Result<T, WorkerGone>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move || {
            // The asker may have gone (its request timed out): nothing to tell then.
            let _ = answer.send(work());
        });
        self.jobs.send(job).map_err(|_| WorkerGone)?;
        answered.await.map_err(|_| WorkerGone)
    }
}
