// Breaks Skip (off by one): after a late tick it moves to the grid point it already passed, so the next tick fires at once instead of at the next point after now.
//! Exercise 5 — a ticker and its missed ticks: what `tokio::time::Interval` does when a job is slow.
//!
//! "Every 100 ms, do the job." Easy until the job takes 250 ms once: the ticks due meanwhile were
//! missed, and something must decide what happens to them. tokio's `Interval` offers three answers
//! (`MissedTickBehavior`); writing them shows what each costs.

use std::time::Duration;

use tokio::time::{Instant, sleep_until};

/// What a [`Ticker`] does with ticks that came due while nobody was waiting for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missed {
    /// Fire the missed ticks at once, back to back, until caught up with the original schedule.
    Burst,
    /// Forget the schedule: the next tick is a full period after the late one fired.
    Delay,
    /// Keep the original grid but drop the ticks that were missed: the next tick is the next
    /// grid point after now.
    Skip,
}

/// Ticks every `period`, starting at once, on tokio's clock.
#[derive(Debug)]
pub struct Ticker {
    period: Duration,
    missed: Missed,
    /// When the next tick is due.
    next: Instant,
}

impl Ticker {
    /// A ticker whose first tick is due now (at `new`), the next ones every `period` after.
    ///
    /// # Panics
    ///
    /// If `period` is zero.
    pub fn new(period: Duration, missed: Missed) -> Self {
        assert!(!period.is_zero(), "a ticker needs a period above zero");
        Self {
            period,
            missed,
            next: Instant::now(),
        }
    }

    /// Waits until the next tick is due and returns the instant it was *scheduled* for (which
    /// is earlier than now when the tick is late).
    pub async fn tick(&mut self) -> Instant {
        let due = self.next;
        sleep_until(due).await;
        let now = Instant::now();
        self.next = if now > due {
            let late = now - due;
            match self.missed {
                Missed::Burst => due + self.period,
                Missed::Delay => now + self.period,
                Missed::Skip => {
                    // How many grid points have passed since `due`, then one more.
                    let passed = late.as_nanos() / self.period.as_nanos();
                    let steps = u32::try_from(passed.max(1)).unwrap_or(u32::MAX);
                    due + self.period * steps
                }
            }
        } else {
            due + self.period
        };
        due
    }
}
