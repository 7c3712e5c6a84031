//! The open loop's clock. Tokio's timer counts in whole milliseconds and rounds a
//! deadline up, so a request waited for with it leaves one to two milliseconds after it
//! was due, and the open loop, which counts latency from when a request was due, would
//! charge that to the server. A timer file descriptor (the kernel's high-resolution
//! timers), awaited on Tokio's reactor, wakes within tens of microseconds instead.

use std::io;
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::time::Instant;

use nix::sys::time::TimeSpec;
use nix::sys::timerfd::{ClockId, Expiration, TimerFd, TimerFlags, TimerSetTimeFlags};
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

/// A timer file descriptor as Tokio's reactor needs it.
struct Fd(TimerFd);

impl AsRawFd for Fd {
    fn as_raw_fd(&self) -> RawFd {
        self.0.as_fd().as_raw_fd()
    }
}

/// Waits until an instant, to within the kernel's timer slack; one per connection.
pub struct Pacer {
    timer: Option<AsyncFd<Fd>>,
}

impl Pacer {
    /// A pacer on a timer file descriptor, or on Tokio's timer where none can be made.
    pub fn new() -> Self {
        let timer = TimerFd::new(
            ClockId::CLOCK_MONOTONIC,
            TimerFlags::TFD_NONBLOCK | TimerFlags::TFD_CLOEXEC,
        )
        .map_err(io::Error::from)
        .and_then(|fd| {
            // SAFETY: `Fd` owns the timer's descriptor, which stays open, and the same,
            // for as long as the `AsyncFd` that owns the `Fd`.
            unsafe { AsyncFd::register_with_interest(Fd(fd), Interest::READABLE) }
                .map_err(io::Error::from)
        });
        match timer {
            Ok(timer) => Self { timer: Some(timer) },
            Err(error) => {
                eprintln!("no timer file descriptor ({error}): pacing with Tokio's timer");
                Self { timer: None }
            }
        }
    }

    /// Returns at `due`, or at once if it has passed.
    pub async fn until(&self, due: Instant) {
        let Some(timer) = &self.timer else {
            return tokio::time::sleep_until(due.into()).await;
        };
        loop {
            let left = due.saturating_duration_since(Instant::now());
            // A zero expiration would disarm the timer rather than fire it.
            if left.is_zero() {
                return;
            }
            let armed = timer.get_ref().0.set(
                Expiration::OneShot(TimeSpec::from_duration(left)),
                TimerSetTimeFlags::empty(),
            );
            if armed.is_err() {
                return tokio::time::sleep_until(due.into()).await;
            }
            let Ok(mut ready) = timer.readable().await else {
                return tokio::time::sleep_until(due.into()).await;
            };
            // Reading the expiry count drains the timer; a wake-up with nothing to read
            // (the timer not yet fired) clears the readiness and re-arms.
            let fired = ready.try_io(|fd| {
                nix::unistd::read(fd.get_ref().0.as_fd(), &mut [0u8; 8]).map_err(io::Error::from)
            });
            if matches!(fired, Ok(Ok(_))) {
                ready.clear_ready();
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_pacer_returns_no_earlier_than_the_instant_it_was_given() {
        let pacer = Pacer::new();
        assert!(pacer.timer.is_some(), "a timer file descriptor on Linux");
        for micros in [1, 300, 1_500, 4_000] {
            let due = Instant::now() + Duration::from_micros(micros);
            pacer.until(due).await;
            assert!(
                Instant::now() >= due,
                "returned before a due {micros} µs away"
            );
        }
    }

    #[tokio::test]
    async fn a_pacer_returns_at_once_for_an_instant_gone_by() {
        let pacer = Pacer::new();
        let now = Instant::now();
        // A zero expiry would disarm the timer and wait for ever: the timeout catches it.
        let waited = tokio::time::timeout(Duration::from_secs(5), pacer.until(now)).await;
        assert!(waited.is_ok(), "a pacer waited for an instant already past");
    }
}
