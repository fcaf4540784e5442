//! Exercise 1 — retry with exponential backoff, a cap, and one deadline for the whole retry.
//!
//! A call to a flaky service fails now and then. Calling again at once usually fails again: the
//! service is overloaded, and every client hammering it makes that worse. So a polite client
//! waits between attempts, twice as long each time (exponential backoff), never longer than a
//! cap, and stops when its deadline leaves no room for another attempt, instead of trying forever.
//!
//! ## Your task
//!
//! 1. [`Backoff::delay_after`]: the wait after failed attempt `n` (1-based) is
//!    `first_delay * 2^(n-1)`, but never more than `max_delay`. It must not overflow or panic for
//!    large `n` (attempt 100 simply waits `max_delay`).
//! 2. [`retry`]: call `attempt(1)`, `attempt(2)`, ... until one returns `Ok`.
//!    - The first attempt starts at once; after failure `n`, wait `delay_after(n)`.
//!    - The deadline is `start + budget`, `start` being the moment `retry` starts running (its
//!      first poll). If the next attempt would start at or after the deadline, give up *at once*
//!      with [`GaveUp`] (attempts made, last error): no attempt after the deadline, and no
//!      sleeping towards an attempt you will not make.
//!
//! Use tokio's clock (`tokio::time::{sleep, sleep_until, Instant}`), never `std::time::Instant`
//! or `std::thread::sleep`: the tests run on tokio's paused clock, where a minute of backoff
//! takes microseconds, and only tokio's clock moves there. (In production too: a
//! `std::thread::sleep` in async code blocks every task sharing the thread.)
//!
//! Trade-off to think about: real clients add *jitter* (a random part of each delay) so that a
//! thousand clients that failed together do not retry together. We leave it out here so the
//! tests can check every delay exactly; the README shows where it would go.

use std::future::Future;
use std::time::Duration;

/// How [`retry`] spaces its attempts. (Given.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure. Each later wait is twice the one before.
    pub first_delay: Duration,
    /// No wait is ever longer than this.
    pub max_delay: Duration,
    /// Time for the whole retry, counted from the moment `retry` starts running.
    pub budget: Duration,
}

/// Why [`retry`] gave up: the deadline left no room for another attempt. (Given.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GaveUp<E> {
    /// How many attempts were made (at least one).
    pub attempts: u32,
    /// The error of the last attempt.
    pub last_error: E,
}

impl Backoff {
    /// The wait after failed attempt number `attempt` (1-based): `first_delay * 2^(attempt-1)`,
    /// capped at `max_delay`. Never panics.
    pub fn delay_after(&self, attempt: u32) -> Duration {
        let _ = attempt;
        todo!("double first_delay (attempt - 1) times, capped at max_delay, without overflowing")
    }
}

/// Calls `attempt(n)` (n = 1, 2, ...) until it returns `Ok`, waiting `policy.delay_after(n)`
/// after failure `n`; gives up with [`GaveUp`] as soon as the next attempt would start at or
/// after `start + policy.budget`.
pub async fn retry<T, E, F, Fut>(policy: Backoff, mut attempt: F) -> Result<T, GaveUp<E>>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let _ = (policy, &mut attempt);
    todo!("note the deadline (tokio's Instant), then loop: attempt, check the deadline, sleep")
}
