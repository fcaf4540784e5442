//! Exercise 9 — wrapping futures: a delayed value, a timeout, an instrumented future.
//!
//! Most futures written by hand are wrappers: they own another future (often a timer), poll it
//! from their own `poll`, and add one behaviour on top. Timeouts, retries, logging and metrics all
//! have this shape. The wrapper passes its own `Context` down, so when the inner future registers
//! a wake, it registers the wrapper's task: the wrapper arranges its wakes by delegating.
//!
//! Everything here runs on tokio's clock (`tokio::time::{sleep, Sleep, Instant}`), so the tests can
//! run it under virtual time: a 30-second timeout is checked in microseconds.
//!
//! ## Your task
//!
//! 1. [`DelayedValue`]: yields its value once its delay has passed, counting from `new` (a value
//!    first polled 10 ms after `new(v, 30 ms)` is Ready 20 ms later). Create the `Sleep` once, in
//!    `new`, and keep it: a tokio `Sleep` that is dropped takes its registered wake with it.
//! 2. [`Timeout`], made by [`timeout`]: `Ok(output)` if the inner future finishes within the limit,
//!    `Err(Elapsed { limit })` if the limit passes first. Poll the inner future first (so a value
//!    ready right at the deadline still counts), then the deadline timer. *Poll* the timer, don't
//!    just compare clocks: polling it is what arranges the wake at the deadline if the inner future
//!    never wakes you. (One limit of a hand-written timeout, which tokio's own avoids: tokio gives a
//!    task a budget of work per turn and its `Sleep` answers `Pending` once it is spent, so an inner
//!    future that keeps draining the budget can keep this timeout from ever firing. The tests don't
//!    go there.)
//! 3. [`Instrumented`]: passes the inner output through, paired with a [`Report`]: how many times
//!    the inner future was polled, and how long (on tokio's clock) from the first poll to `Ready`.
//!    Start the clock at the first poll, not in `new`: a future does nothing until polled.
//!
//! `Sleep` is not `Unpin`; keep it as `Pin<Box<Sleep>>` and poll it with `self.sleep.as_mut().poll(cx)`.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Yields `value` after `after` has passed.
#[derive(Debug)]
pub struct DelayedValue<T> {
    // Replace this placeholder: the value, and a boxed tokio `Sleep`.
    _todo: PhantomData<T>,
}

impl<T> DelayedValue<T> {
    /// A future that yields `value` once `after` has passed (counting from now).
    pub fn new(value: T, after: Duration) -> Self {
        let _ = (value, after);
        todo!("keep the value; create the Sleep here, once")
    }
}

impl<T: Unpin> Future for DelayedValue<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let _ = cx;
        todo!("poll the Sleep; when it is Ready, hand out the value")
    }
}

/// The error of a [`Timeout`] whose inner future did not finish in time. (Given.)
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
    // Replace this placeholder: the inner future, the limit, a boxed `Sleep` for the deadline.
    _todo: PhantomData<F>,
}

/// `Ok(output)` if `fut` finishes within `limit`, `Err(Elapsed)` otherwise.
pub fn timeout<F: Future + Unpin>(limit: Duration, fut: F) -> Timeout<F> {
    let _ = (limit, fut);
    todo!("store the future and a deadline timer")
}

impl<F: Future + Unpin> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let _ = cx;
        todo!("inner first: Ready -> Ok; then the deadline: Ready -> Err(Elapsed)")
    }
}

/// What an [`Instrumented`] future measured. (Given.)
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
    // Replace this placeholder: the inner future, a poll count, the time of the first poll.
    _todo: PhantomData<F>,
}

impl<F: Future + Unpin> Instrumented<F> {
    /// Wraps `inner`; measuring starts at the first poll.
    pub fn new(inner: F) -> Self {
        drop(inner);
        todo!("store the inner future; nothing measured yet")
    }
}

impl<F: Future + Unpin> Future for Instrumented<F> {
    type Output = (F::Output, Report);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let _ = cx;
        todo!("note the first poll's time (tokio::time::Instant), count, forward, report at Ready")
    }
}
