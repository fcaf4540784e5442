//! # e06 — At most N at a time
//!
//! Concurrency is cheap, so it is tempting to start everything at once: `join_all` over ten thousand
//! requests. The other side rarely agrees — a database allows so many connections, an API so many
//! requests in flight, and every started job holds memory. Real code puts a *limit* on how many jobs
//! are in flight, and keeps that many busy: the next job starts as soon as one finishes.
//!
//! Tools that do this, any of which is a fine answer here:
//!
//! - a `tokio::sync::Semaphore` with `limit` permits: wait for a permit before starting each job, and
//!   keep the permit alive until the job is done. The jobs can be spawned tasks (keep their
//!   `JoinHandle`s in input order) or futures joined with `join_all`;
//! - a `tokio::task::JoinSet` that you top up to `limit` tasks whenever one finishes;
//! - `futures::stream::iter(..).buffer_unordered(limit)`, which yields outputs in the order they
//!   *finish*: tag each job with its index and sort at the end.
//!
//! Two near-misses respect the limit but leave slots idle: cutting the list into batches of `limit`
//! (each batch waits for its slowest job), and `buffered(limit)` (a finished job keeps its slot until
//! every job before it has finished, so one slow job at the front holds the line).
//!
//! ## The task
//!
//! [`run_bounded`]: run `job(input)` for every input, at most `limit` at a time, starting the next
//! input as soon as a slot frees, and return the outputs in the order of `inputs`.
//!
//! The tests give jobs that count how many of them are running at once and record the maximum, and
//! check the total virtual time against the best schedule: jobs start in input order, each in the
//! first slot that frees.

use std::future::Future;

/// Runs `job(input)` for every input, with at most `limit` jobs in flight, and returns the outputs
/// in input order.
///
/// A job counts as *in flight* from its first poll until it completes. Whenever fewer than `limit`
/// jobs are in flight and inputs remain, the next one starts, so a slow job never holds up the others
/// beyond its own slot. `limit` is at least 1.
pub async fn run_bounded<T, R, F, Fut>(inputs: Vec<T>, limit: usize, job: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: FnMut(T) -> Fut,
    Fut: Future<Output = R> + Send + 'static,
{
    let _ = (inputs, limit, job);
    todo!("keep at most `limit` jobs running; refill a slot as soon as it frees")
}
