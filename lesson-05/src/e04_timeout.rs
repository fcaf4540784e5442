//! Exercise 4 — a timeout written by hand, with an error type of our own, that cancels.
//!
//! tokio has `tokio::time::timeout`; writing one shows the three decisions inside it: when the
//! clock starts, who wins a tie, and what happens to the work that ran out of time. In Rust the
//! answer to the last one is the whole of cancellation: the inner future is *dropped*, and with it
//! everything it owned (a buffer, a half-sent request, its place in a queue). Nothing is "killed";
//! the future is simply never polled again, and its destructor runs.
//!
//! ## Your task
//!
//! 1. Give [`TimedOut`] its `Display` (exactly `timed out after {after:?}`, e.g.
//!    `timed out after 50ms`) and make it a `std::error::Error`, so it works with `?` and
//!    `Box<dyn Error>`.
//! 2. Write [`timeout`]:
//!    - `Ok(output)` if `fut` finishes within `limit`;
//!    - otherwise `Err(TimedOut { after: limit })`, exactly at the deadline, and by the time that
//!      error is returned `fut` has been **dropped** (not merely abandoned inside a future that is
//!      still alive);
//!    - the clock starts when `timeout` is **called**, like `tokio::time::timeout`: a timeout made
//!      now and awaited 30 ms later has 30 ms less to go;
//!    - a tie goes to the work: if `fut` is ready at the deadline itself, return its output;
//!    - no busy waiting: between events it is not polled (the deadline is a timer, not a clock
//!      you look at).
//!
//! Two good ways: `tokio::select!` inside an `async move` block (mind its default: it polls its
//! branches in a *random* order), or a hand-written `Future` holding the inner future (boxed:
//! `F` need not be `Unpin`) and a `Pin<Box<Sleep>>`. Either way, "at the call" means the deadline
//! is computed outside any `async` block.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::time::Duration;

/// The error of [`timeout`]: the inner future did not finish within `after`. (Given.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut {
    /// The limit that passed.
    pub after: Duration,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = f;
        todo!("write `timed out after {{after:?}}`")
    }
}

impl Error for TimedOut {}

/// Runs `fut` with a time limit: `Ok(output)` if it finishes within `limit`, else
/// `Err(TimedOut { after: limit })` at the deadline, with `fut` dropped by then. The clock starts
/// at the call; a tie goes to `fut`.
pub fn timeout<F: Future>(
    limit: Duration,
    fut: F,
) -> impl Future<Output = Result<F::Output, TimedOut>> {
    // Replace this line: compute the deadline here, at the call (tokio::time::Instant).
    let deadline = limit;
    async move {
        let _ = (deadline, fut);
        todo!("race fut against sleep_until(deadline); a tie goes to fut")
    }
}
