// Wasteful (legal but slow): a hand-written set with one waker for all, so every job in flight is polled again whenever any of them wakes, instead of only the one whose waker fired.
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

use std::collections::VecDeque;
use std::future::Future;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::Poll;

/// Runs `jobs` with at most `limit` in flight, starting them in order, and returns their outputs
/// in the order they finished.
pub async fn run_bounded<F: Future>(jobs: Vec<F>, limit: usize) -> Vec<F::Output> {
    let mut waiting: VecDeque<F> = jobs.into_iter().collect();
    let mut running: Vec<Pin<Box<F>>> = Vec::new();
    let mut out = Vec::new();
    poll_fn(|cx| {
        loop {
            while running.len() < limit {
                match waiting.pop_front() {
                    Some(job) => running.push(Box::pin(job)),
                    None => break,
                }
            }
            // Every job in flight is polled, whichever one woke the task.
            let before = out.len();
            let mut i = 0;
            while i < running.len() {
                if let Poll::Ready(v) = running[i].as_mut().poll(cx) {
                    out.push(v);
                    drop(running.remove(i));
                } else {
                    i += 1;
                }
            }
            if running.is_empty() && waiting.is_empty() {
                return Poll::Ready(std::mem::take(&mut out));
            }
            if out.len() == before {
                return Poll::Pending;
            }
        }
    })
    .await
}
