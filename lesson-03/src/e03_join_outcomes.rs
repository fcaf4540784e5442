//! # Exercise 3 — tasks, `JoinHandle` and `JoinError`
//!
//! `tokio::spawn` turns a future into a *task*: the runtime owns it from now on and polls it whenever
//! it is woken, whether or not anybody is waiting for the result. What you get back is a
//! [`JoinHandle`], which is itself a future: awaiting it gives `Ok(output)`, or a
//! `tokio::task::JoinError` that says *why* there is no output:
//!
//! * the task **panicked** — Tokio caught the panic on the worker (the runtime keeps going) and
//!   hands you the payload (`is_panic`, `into_panic`);
//! * the task was **cancelled** — someone called `abort()` (or the runtime shut down), and the task's
//!   future was dropped at its next `.await` point (`is_cancelled`).
//!
//! A trap worth meeting early: *dropping* a `JoinHandle` does not stop the task. It only detaches
//! it; the task keeps running with nobody listening.
//!
//! Your task: write [`settle`] and [`run_with_budget`].

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinHandle;

/// What became of a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T> {
    /// The task returned this value.
    Finished(T),
    /// The task panicked; the message it panicked with (see [`NON_STRING_PANIC`]).
    Panicked(String),
    /// The task was aborted before it finished.
    Cancelled,
}

/// The message used when a task panicked with a payload that is neither `&str` nor `String`
/// (for example `std::panic::panic_any(17)`).
pub const NON_STRING_PANIC: &str = "<non-string panic payload>";

/// Waits for the task behind `handle` and reports how it ended.
///
/// A panic payload is a `Box<dyn Any + Send>`: `panic!("literal")` puts a `&'static str` in it,
/// `panic!("{x}")` a `String`.
pub async fn settle<T>(handle: JoinHandle<T>) -> Outcome<T> {
    drop(handle);
    todo!("await the handle and sort Ok / panic / cancellation into an Outcome")
}

/// Spawns `fut` as a task and gives it `budget` of (Tokio) time.
///
/// Returns as soon as the task ends, or once `budget` has passed. In the second case the task is
/// aborted, and this function only returns once the task's future has really been dropped (so any
/// clean-up in its destructors has run), reporting [`Outcome::Cancelled`].
pub async fn run_with_budget<F>(fut: F, budget: Duration) -> Outcome<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let _ = budget;
    drop(fut);
    todo!("run the task for at most `budget`; past it, stop it and wait until it is gone")
}
