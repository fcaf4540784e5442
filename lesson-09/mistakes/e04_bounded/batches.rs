// No batching broken: jobs run in chunks of `limit` joined together, so a slow job holds back the start of the whole next chunk, and results come in the given order.
//! Exercise 4 — at most N jobs at once, results as they finish.
//!
//! Joining a thousand requests at once can swamp the server they go to; awaiting them one by one
//! wastes the time each spends waiting. The middle way: keep *at most N in flight*, start the next
//! one the moment any finishes, and hand results out in the order they complete.
//!
//! `futures::stream::FuturesUnordered` is the set that makes this cheap. Lesson 02's `Join` polls
//! every child each time the task wakes, because one waker serves them all and it cannot tell who
//! fired. `FuturesUnordered` gives every child its *own* waker, which puts just that child on a
//! ready list: when one of a thousand timers fires, one child is polled, not a thousand.
//! `StreamExt::buffer_unordered(n)` packages "at most n from this stream of futures" on top of it.
//!
//! ## Your task
//!
//! Write [`run_bounded`]. It promises:
//! - at most `limit` jobs in flight at any moment (a job is in flight from its first poll until it
//!   finishes), and jobs started in the order given;
//! - no batching: when one job finishes, the next waiting job starts at that same instant (not
//!   when the whole batch is done);
//! - results in **completion** order (the order the jobs finished, not the order given);
//! - only a job whose waker fired is polled again: a job waiting on a timer is polled once to
//!   start and once when its timer fires, however many others finish meanwhile;
//! - `limit` is at least 1 (with 0 nothing could ever start).
//!
//! Trade-off: completion order is what makes results flow early; if the caller needs them in the
//! given order, `buffered(n)` keeps that order, at the cost of holding finished results back
//! behind a slow one.

use std::future::Future;

use futures::future::join_all;

/// Runs `jobs` with at most `limit` in flight, starting them in order, and returns their outputs
/// in the order they finished.
pub async fn run_bounded<F: Future>(jobs: Vec<F>, limit: usize) -> Vec<F::Output> {
    let mut out = Vec::new();
    let mut jobs = jobs.into_iter().peekable();
    while jobs.peek().is_some() {
        let batch: Vec<F> = jobs.by_ref().take(limit).collect();
        out.extend(join_all(batch).await);
    }
    out
}
