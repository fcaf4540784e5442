// Breaks "return only once the aborted task is gone": run_with_budget calls abort() and reports Cancelled at once, before the task's future has been dropped (abort only asks; the drop happens when the runtime next gets to the task).
//! # Exercise 3 — tasks, `JoinHandle` and `JoinError`
//!
//! `tokio::spawn` turns a future into a *task*: the runtime owns it from now on and polls it whenever
//! it is woken, whether or not anybody is waiting for the result. What you get back is a
//! [`JoinHandle`], which is itself a future: awaiting it gives `Ok(output)`, or a [`JoinError`] that
//! says *why* there is no output:
//!
//! * the task **panicked** — Tokio caught the panic on the worker (the runtime keeps going) and
//!   hands you the payload (`is_panic`, `into_panic`);
//! * the task was **cancelled** — someone called `abort()` (or the runtime shut down), and the task's
//!   future was dropped at its next `.await` point (`is_cancelled`).
//!
//! A trap worth meeting early: *dropping* a `JoinHandle` does not stop the task. It only detaches
//! it; the task keeps running with nobody listening. Stopping it takes `abort()`.

use std::future::Future;
use std::time::Duration;

use tokio::task::{JoinError, JoinHandle};

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
pub async fn settle<T>(handle: JoinHandle<T>) -> Outcome<T> {
    classify(handle.await)
}

/// Turns what a `JoinHandle` resolved to into an [`Outcome`].
fn classify<T>(joined: Result<T, JoinError>) -> Outcome<T> {
    match joined {
        Ok(value) => Outcome::Finished(value),
        Err(err) if err.is_panic() => {
            // `panic!("literal")` carries a `&'static str`; `panic!("{x}")` a `String`.
            let payload = err.into_panic();
            let message = if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                NON_STRING_PANIC.to_string()
            };
            Outcome::Panicked(message)
        }
        // The only other kind of JoinError is cancellation.
        Err(_) => Outcome::Cancelled,
    }
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
    let mut handle = tokio::spawn(fut);
    // `&mut JoinHandle` is a future too, so the timeout can give the handle back to us.
    match tokio::time::timeout(budget, &mut handle).await {
        // The handle already produced its result; polling it again would panic.
        Ok(joined) => classify(joined),
        Err(_elapsed) => {
            handle.abort();
            Outcome::Cancelled
        }
    }
}
