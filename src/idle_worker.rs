//! Heavy work on a thread of its own at the lowest scheduling priority: password checks
//! (`auth::PasswordChecks`) and pictures decoded and resized (`pictures`), each on a
//! worker of its own.
//!
//! Argon2 is slow by design, so a flood of failed logins is a flood of CPU work; a large
//! picture takes a second or more to decode and resize. On this thread (Linux's
//! `SCHED_IDLE`) that work runs only on CPU time that nothing else wants: the shop's
//! workers and its database connections preempt it at once, so shoppers' pages keep
//! their speed while the work queues (and, past its wait, answers 503).

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
#[error("the idle-priority worker thread is not running")]
pub struct WorkerGone;

impl IdleWorker {
    /// Starts the thread, named `trolley-{name}`. Where the platform refuses the idle
    /// priority, the thread runs at the normal one and the log says so.
    pub fn start(name: &str) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let label = name.to_owned();
        thread::Builder::new()
            .name(format!("trolley-{name}"))
            .spawn(move || {
                let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
                if let Err(error) =
                    set_thread_priority_and_policy(thread_native_id(), ThreadPriority::Min, idle)
                {
                    log::warn!("{label} run at normal priority: {error:?}");
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
