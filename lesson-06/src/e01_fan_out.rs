//! Exercise 1 — fan out jobs on a `JoinSet`, collect them as they finish, stop at the first error.
//!
//! A request that needs ten lookups should run them at once, use each answer as soon as it
//! arrives, and, the moment one lookup fails, stop the other nine: their answers can no longer
//! help, and they still hold connections and memory.
//!
//! ## Your task
//!
//! [`fan_out`] runs every job as its own task (`tokio::task::JoinSet` is made for this) and
//! promises:
//!
//! - all jobs run at the same time: ten jobs of 100 ms take 100 ms, not a second;
//! - the outputs come back in the order the jobs *finished*, not the order they were given;
//! - at the first `Err`, every job still running is cancelled, and `fan_out` returns that
//!   error only once they have all **stopped**: each cancelled job's destructors (its drop
//!   guards) have run by the time your caller sees the `Err`.
//!
//! A job that panics is not this exercise's subject (that is exercise 2): carry the panic on to
//! the caller with `std::panic::resume_unwind`.
//!
//! Trade-off: waiting for the cancelled jobs costs a little time on the error path (each stops
//! at its next `.await`), but without it the caller may reuse what they hold (a connection, a
//! file, a test's counter) while they are still alive.

use std::future::Future;

/// Runs every job as its own task and returns their outputs in the order they finished; on the
/// first `Err`, cancels the rest, waits until they have stopped, then returns the error.
pub async fn fan_out<I, F, T, E>(jobs: I) -> Result<Vec<T>, E>
where
    I: IntoIterator<Item = F>,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let _ = jobs.into_iter();
    todo!("spawn every job on a JoinSet, take them with join_next, and on an Err shut the set down")
}
