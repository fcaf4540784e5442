// Loses ties (a race): without  select! polls its branches in a random order, so a value ready at the deadline is thrown away about half the time.
//! Exercise 4 — a timeout written by hand, with an error type of our own, that cancels.
//!
//! tokio has `tokio::time::timeout`; writing one shows the three decisions inside it: when the
//! clock starts, who wins a tie, and what happens to the work that ran out of time. In Rust the
//! answer to the last one is the whole of cancellation: the inner future is *dropped*, and with it
//! everything it owned (its buffers, its half-sent request, its place in a queue).

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio::time::{Instant, sleep_until};

/// The error of [`timeout`]: the inner future did not finish within `after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut {
    /// The limit that passed.
    pub after: Duration,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timed out after {:?}", self.after)
    }
}

impl Error for TimedOut {}

/// Runs `fut` with a time limit: `Ok(output)` if it finishes within `limit`, else
/// `Err(TimedOut { after: limit })` at the deadline, with `fut` dropped by then.
///
/// The clock starts now, when `timeout` is called (like `tokio::time::timeout`), not at the first
/// poll. If `fut` is ready at the deadline itself, its output wins.
pub fn timeout<F: Future>(
    limit: Duration,
    fut: F,
) -> impl Future<Output = Result<F::Output, TimedOut>> {
    // Outside the async block: this line runs at the call, the block only once polled.
    let deadline = Instant::now() + limit;
    async move {
        tokio::select! {
            // `biased` polls the branches in order, inner first: without it `select!` picks a
            // random order on each poll, and a value ready right at the deadline would be lost
            // half the time.
            out = fut => Ok(out),
            // When this branch wins, `select!` drops `fut`: that drop is the cancellation.
            () = sleep_until(deadline) => Err(TimedOut { after: limit }),
        }
    }
}
