// Breaks 'a tie goes to the work' (a moment in time): the hand-written future polls its timer first, so a value ready at the deadline is thrown away.
//! A hand-written timeout that looks at its timer first.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::{Sleep, sleep};

/// Timed out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut {
    /// The limit.
    pub after: Duration,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timed out after {:?}", self.after)
    }
}

impl Error for TimedOut {}

struct Timeout<F> {
    fut: Option<Pin<Box<F>>>,
    timer: Pin<Box<Sleep>>,
    limit: Duration,
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, TimedOut>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.timer.as_mut().poll(cx).is_ready() {
            self.fut = None;
            return Poll::Ready(Err(TimedOut { after: self.limit }));
        }
        match self.fut.as_mut() {
            Some(f) => f.as_mut().poll(cx).map(Ok),
            None => Poll::Pending,
        }
    }
}

/// Timeout.
pub fn timeout<F: Future>(
    limit: Duration,
    fut: F,
) -> impl Future<Output = Result<F::Output, TimedOut>> {
    Timeout {
        fut: Some(Box::pin(fut)),
        timer: Box::pin(sleep(limit)),
        limit,
    }
}
