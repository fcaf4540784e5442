// Breaks cancellation: on timeout it returns the error but keeps the inner future (and all it holds) alive inside itself until the Timeout is dropped, which may be much later.
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

use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::time::{Instant, Sleep, sleep_until};

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

/// Runs `fut` with a time limit.
pub fn timeout<F: Future>(
    limit: Duration,
    fut: F,
) -> impl Future<Output = Result<F::Output, TimedOut>> {
    Timeout {
        inner: Box::pin(fut),
        deadline: Box::pin(sleep_until(Instant::now() + limit)),
        limit,
    }
}

struct Timeout<F> {
    inner: Pin<Box<F>>,
    deadline: Pin<Box<Sleep>>,
    limit: Duration,
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, TimedOut>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(out) = self.inner.as_mut().poll(cx) {
            return Poll::Ready(Ok(out));
        }
        match self.deadline.as_mut().poll(cx) {
            // The inner future stays in the struct until the whole Timeout is dropped.
            Poll::Ready(()) => Poll::Ready(Err(TimedOut { after: self.limit })),
            Poll::Pending => Poll::Pending,
        }
    }
}
