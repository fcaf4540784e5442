//! Exercise 6 — one deadline for an operation made of several steps.
//!
//! "Check out within 2 s" means the *whole* checkout: reserve, charge, ship. Giving each step its
//! own 2 s timeout lets the operation take 6 s, long after the caller gave up. So a deadline is an
//! **instant**, fixed once by whoever sets the limit and passed down; each step gets what is left
//! of it. (Services do the same across the network: gRPC sends the time left with each call.)
//!
//! ## Your task
//!
//! 1. [`time_left`]: the time from now until `deadline` on tokio's clock; zero (not a panic) once
//!    the deadline has passed.
//! 2. [`run_steps`]: run the steps one after another (each first polled only when the one before
//!    has finished) and return their outputs in order, all within the one `deadline`:
//!    - each step gets the time *left* until `deadline`, not a fresh limit;
//!    - a step still running at the deadline is **cancelled** then (dropped, at the deadline
//!      itself), and the answer is `Err(Expired { step, completed })` naming it;
//!    - a step due to start at or after the deadline is **never started** (never polled even
//!      once: a first poll may already send a request or charge a card): `Err(Expired)` naming
//!      it;
//!    - a step that finishes at the deadline itself counts as finished.
//!
//! `tokio::time::timeout_at(deadline, fut)` runs a future against an instant. Read its docs
//! closely: what does it do with a deadline that has already passed?

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::time::Instant;

/// One step of an operation: a name and its work, not started yet (a future does nothing until
/// polled, so building the list of steps runs none of them). (Given.)
pub struct Step<T> {
    /// Named in [`Expired`] when this step runs out of time.
    pub name: &'static str,
    /// The work.
    pub work: Pin<Box<dyn Future<Output = T>>>,
}

impl<T> Step<T> {
    /// A step called `name` that does `work`. (Given.)
    pub fn new(name: &'static str, work: impl Future<Output = T> + 'static) -> Self {
        Self {
            name,
            work: Box::pin(work),
        }
    }
}

/// The deadline passed before the operation was done. (Given.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expired {
    /// The step that was running, or due to start, when the deadline passed.
    pub step: &'static str,
    /// How many steps had finished by then.
    pub completed: usize,
}

/// The time from now until `deadline`; zero once it has passed (never panics).
pub fn time_left(deadline: Instant) -> Duration {
    let _ = deadline;
    todo!("tokio's Instant::now(), and a subtraction that cannot go below zero")
}

/// Runs `steps` one after another, all within the one `deadline`; returns their outputs in
/// order, or `Err(Expired)` naming the step that was running (cancelled at the deadline) or due
/// to start (never started) when the deadline passed.
pub async fn run_steps<T>(deadline: Instant, steps: Vec<Step<T>>) -> Result<Vec<T>, Expired> {
    let _ = (deadline, steps);
    todo!("for each step: deadline passed? then Expired; else run it until the deadline")
}
