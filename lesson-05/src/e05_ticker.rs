//! Exercise 5 — a ticker and its missed ticks: what `tokio::time::Interval` does when a job is slow.
//!
//! "Every 100 ms, do the job." Easy, until the job once takes 250 ms: the ticks that came due
//! meanwhile were missed, and something must decide what becomes of them. tokio's `Interval`
//! offers three answers (`MissedTickBehavior::{Burst, Delay, Skip}`); you write all three, and the
//! tests run a slow job under each and check every tick's instant.
//!
//! ## Your task
//!
//! Write [`Ticker`]:
//!
//! - `new(period, missed)`: the first tick is due **at once**, at the instant of `new` (as with
//!   `tokio::time::interval`), the following ones every `period` after it;
//! - `tick().await` waits until the next tick is due (on tokio's timer: one sleep, no polling the
//!   clock) and returns the instant the tick was *scheduled* for;
//! - a tick is **late** when `tick` finds it already past due (`now > due`). The tick after a late
//!   one is due at:
//!   - [`Missed::Burst`]: `due + period`: the schedule stands, so missed ticks fire at once, one
//!     per `tick` call, until caught up. Right for "exactly N runs per hour"; hard on whatever
//!     the job calls, which gets a flood;
//!   - [`Missed::Delay`]: `now + period`: a fresh start from the late tick. Right for "rest a
//!     period between runs"; the schedule drifts for good;
//!   - [`Missed::Skip`]: the first point of the original grid (`due + k * period`) after now: the
//!     missed ticks are dropped, the rhythm is kept;
//! - an on-time tick is followed by one at `due + period` (not `now + period`: no drift).
//!
//! (tokio's `Interval` counts a tick as late only when it is more than 5 ms past due, so that a
//! timer firing a little late on a busy machine does not shift the schedule; the tests here use
//! lateness far above that, so the two agree.)

use std::marker::PhantomData;
use std::time::Duration;

use tokio::time::Instant;

/// What a [`Ticker`] does with ticks that came due while nobody was waiting for them. (Given.)
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
    // Replace this placeholder: the period, the behaviour, and when the next tick is due.
    _todo: PhantomData<()>,
}

impl Ticker {
    /// A ticker whose first tick is due now (at `new`), the next ones every `period` after.
    /// (You may panic if `period` is zero.)
    pub fn new(period: Duration, missed: Missed) -> Self {
        let _ = (period, missed);
        todo!("the first tick is due now: tokio::time::Instant::now()")
    }

    /// Waits until the next tick is due and returns the instant it was *scheduled* for (which
    /// is earlier than now when the tick is late).
    pub async fn tick(&mut self) -> Instant {
        let _ = self;
        todo!("sleep_until the due instant; then work out the next one (late or on time?)")
    }
}
