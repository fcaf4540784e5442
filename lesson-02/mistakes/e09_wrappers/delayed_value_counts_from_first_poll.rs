// Breaks DelayedValue's moment in time (its delay counts from new): makes the Sleep at the first poll, so a value polled 10 ms after new() arrives 10 ms late.
//! Exercise 9 — wrapping futures: a delayed value, a timeout, an instrumented future.
//!
//! Most futures you write by hand are wrappers: they own another future (often a timer), poll it
//! from their own `poll`, and add one behaviour on top. Timeouts, retries, logging and metrics all
//! have this shape. The wrapper passes its `Context` down, so when the inner future registers a
//! wake, it registers the wrapper's task.
//!
//! All three here run under tokio's clock (`tokio::time`), so the tests can use virtual time.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::{Instant, Sleep};

/// Yields `value` after `after` has passed.
#[derive(Debug)]
pub struct DelayedValue<T> {
    value: Option<T>,
    after: Duration,
    /// "Lazy, like every future: nothing starts until the first poll."
    sleep: Option<Pin<Box<Sleep>>>,
}

impl<T> DelayedValue<T> {
    /// A future that yields `value` once `after` has passed (counting from now).
    pub fn new(value: T, after: Duration) -> Self {
        Self {
            value: Some(value),
            after,
            sleep: None,
        }
    }
}

impl<T: Unpin> Future for DelayedValue<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let after = self.after;
        let sleep = self
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(after)));
        match sleep.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(
                self.value
                    .take()
                    .expect("DelayedValue polled after completion (rule 1)"),
            ),
        }
    }
}

/// The error of a [`Timeout`] whose inner future did not finish in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed {
    /// The time limit that was exceeded.
    pub limit: Duration,
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timed out after {:?}", self.limit)
    }
}

impl Error for Elapsed {}

/// Runs `inner` with a time limit. Made by [`timeout`].
#[derive(Debug)]
pub struct Timeout<F> {
    inner: F,
    limit: Duration,
    deadline: Pin<Box<Sleep>>,
}

/// `Ok(output)` if `fut` finishes within `limit`, `Err(Elapsed)` otherwise.
pub fn timeout<F: Future + Unpin>(limit: Duration, fut: F) -> Timeout<F> {
    Timeout {
        inner: fut,
        limit,
        deadline: Box::pin(tokio::time::sleep(limit)),
    }
}

impl<F: Future + Unpin> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Inner first: a value that is ready right at the deadline still counts.
        if let Poll::Ready(out) = Pin::new(&mut self.inner).poll(cx) {
            return Poll::Ready(Ok(out));
        }
        // Polling the timer (not just comparing clocks) is what arranges the wake at the deadline
        // (rule 2): if the inner future never wakes us, this is the only wake there will be.
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed { limit: self.limit })),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// What an [`Instrumented`] future measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// How many times the inner future was polled, the `Ready` poll included.
    pub polls: u32,
    /// Time (tokio's clock) from the first poll to `Ready`.
    pub elapsed: Duration,
}

/// Runs `inner` and reports how it went. Output: `(inner's output, Report)`.
#[derive(Debug)]
pub struct Instrumented<F> {
    inner: F,
    polls: u32,
    /// Set on the first poll, not in `new`: a future does nothing until polled, so time spent
    /// before that is not the future's.
    started: Option<Instant>,
}

impl<F: Future + Unpin> Instrumented<F> {
    /// Wraps `inner`; measuring starts at the first poll.
    pub fn new(inner: F) -> Self {
        Self {
            inner,
            polls: 0,
            started: None,
        }
    }
}

impl<F: Future + Unpin> Future for Instrumented<F> {
    type Output = (F::Output, Report);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let started = *self.started.get_or_insert_with(Instant::now);
        self.polls += 1;
        match Pin::new(&mut self.inner).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(out) => {
                let report = Report {
                    polls: self.polls,
                    elapsed: started.elapsed(),
                };
                Poll::Ready((out, report))
            }
        }
    }
}
