// Breaks the deadline (off by one, a moment in time): it gives up only when the next attempt would start after the deadline, so an attempt lands exactly at the deadline.
//! Exercise 1 — retry with exponential backoff, a cap, and one deadline for the whole retry.
//!
//! A call to a flaky service fails now and then; calling it again at once usually fails again
//! (the service is overloaded, and every client hammering it makes that worse). So a polite client
//! waits between attempts, longer each time (exponential backoff), never longer than a cap, and
//! gives up when the caller's deadline is near instead of trying forever.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

/// How [`retry`] spaces its attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure. Each later wait is twice the one before.
    pub first_delay: Duration,
    /// No wait is ever longer than this.
    pub max_delay: Duration,
    /// Time for the whole retry, counted from the moment `retry` starts running.
    pub budget: Duration,
}

/// Why [`retry`] gave up: the deadline left no room for another attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GaveUp<E> {
    /// How many attempts were made (at least one).
    pub attempts: u32,
    /// The error of the last attempt.
    pub last_error: E,
}

impl Backoff {
    /// The wait after failed attempt number `attempt` (1-based): `first_delay * 2^(attempt-1)`,
    /// capped at `max_delay`.
    pub fn delay_after(&self, attempt: u32) -> Duration {
        // `checked_pow` / `checked_mul` stop the doubling from overflowing after ~60 attempts:
        // once it would overflow it is far past any sensible cap anyway.
        let factor = 2u32.checked_pow(attempt.saturating_sub(1));
        factor
            .and_then(|f| self.first_delay.checked_mul(f))
            .map_or(self.max_delay, |d| d.min(self.max_delay))
    }
}

/// Calls `attempt(n)` (n = 1, 2, ...) until it returns `Ok`, waiting `policy.delay_after(n)`
/// between a failure and the next attempt.
///
/// The deadline is `start + budget`, where `start` is the instant this future is first polled.
/// The next attempt would start at `now + delay`; if that is at or after the deadline, `retry`
/// gives up at once (it never sleeps towards an attempt it may not make).
pub async fn retry<T, E, F, Fut>(policy: Backoff, mut attempt: F) -> Result<T, GaveUp<E>>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    // tokio's clock: under paused time in tests it is the only clock that moves.
    let deadline = Instant::now() + policy.budget;
    let mut n = 1;
    loop {
        let error = match attempt(n).await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let next_start = Instant::now() + policy.delay_after(n);
        if next_start > deadline {
            return Err(GaveUp {
                attempts: n,
                last_error: error,
            });
        }
        tokio::time::sleep_until(next_start).await;
        n += 1;
    }
}
