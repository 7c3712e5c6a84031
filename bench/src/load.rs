//! The two ways to drive a scenario: the closed loop (each connection sends its next
//! request as soon as the last is answered) and the open loop (requests due at fixed
//! intervals, their latency counted from when they were due).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

use crate::http::Connection;
use crate::pacer::Pacer;
use crate::scenario::{step, Context, Scenario};
use crate::stats::Stats;

/// How long the open loop waits, after the last request was due, for the late ones.
const GRACE: Duration = Duration::from_secs(10);

pub struct Load {
    pub addr: String,
    pub connections: usize,
    pub duration: Duration,
    /// Requests a second across all connections (the open loop), or none (closed).
    pub rate: Option<f64>,
}

impl Load {
    /// Steps of `scenario` one run makes at most in the open loop, none in the closed.
    pub fn open_loop_steps(&self, scenario: Scenario) -> Option<usize> {
        let steps = self.rate? * self.duration.as_secs_f64() / scenario.requests_per_step() as f64;
        Some(steps.ceil() as usize + self.connections)
    }

    pub async fn run(&self, scenario: Scenario, context: Arc<Context>) -> Stats {
        let started = Instant::now();
        let tasks = match self.rate {
            None => self.closed(scenario, context),
            Some(rate) => self.open(scenario, context, rate, started),
        };
        let mut total = Stats::new();
        for task in tasks {
            if let Ok(stats) = task.await {
                total.merge(&stats);
            }
        }
        total.elapsed = started.elapsed();
        total
    }

    /// Every connection steps until the time is up (or, for purchases, the prepared
    /// shoppers run out).
    fn closed(&self, scenario: Scenario, context: Arc<Context>) -> Vec<JoinHandle<Stats>> {
        let stop = Arc::new(AtomicBool::new(false));
        let counter = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..self.connections {
            let (stop, counter, context) = (stop.clone(), counter.clone(), context.clone());
            let mut connection = Connection::new(&self.addr);
            tasks.push(tokio::spawn(async move {
                let mut stats = Stats::new();
                while !stop.load(Ordering::Relaxed) {
                    let k = counter.fetch_add(1, Ordering::Relaxed);
                    let at = Instant::now();
                    if !step(scenario, &mut connection, &context, k, at, &mut stats).await {
                        break;
                    }
                }
                stats
            }));
        }
        let duration = self.duration;
        tokio::spawn(async move {
            tokio::time::sleep(duration).await;
            stop.store(true, Ordering::Relaxed);
        });
        tasks
    }

    /// Connection `c` makes steps `c`, `c + C`, `c + 2C`, … each due `C / rate` seconds
    /// after the last, the connections offset evenly, until the time is up; each step is
    /// sent when due ([`Pacer`]), or when the connection's last one is answered if that is
    /// later. A step not begun `GRACE` after the end counts as an error, as late as it was
    /// by then.
    fn open(
        &self,
        scenario: Scenario,
        context: Arc<Context>,
        rate: f64,
        started: Instant,
    ) -> Vec<JoinHandle<Stats>> {
        let connections = self.connections;
        let steps_per_second = rate / scenario.requests_per_step() as f64;
        let interval = Duration::from_secs_f64(connections as f64 / steps_per_second);
        let end = started + self.duration;
        let mut tasks = Vec::new();
        for c in 0..connections {
            let context = context.clone();
            let mut connection = Connection::new(&self.addr);
            let mut due = started + interval.mul_f64(c as f64 / connections as f64);
            tasks.push(tokio::spawn(async move {
                let pacer = Pacer::new();
                let mut stats = Stats::new();
                let mut k = c;
                while due < end {
                    if Instant::now() > end + GRACE {
                        let late = (end + GRACE).saturating_duration_since(due);
                        stats.record_latency(late, Err("not sent: too late".to_owned()));
                    } else {
                        pacer.until(due).await;
                        stats.record_sent_late(due.elapsed());
                        if !step(scenario, &mut connection, &context, k, due, &mut stats).await {
                            break;
                        }
                    }
                    due += interval;
                    k += connections;
                }
                stats
            }));
        }
        tasks
    }
}
