//! # Exercise 1 — runtimes built by hand
//!
//! `#[tokio::main]` and `#[tokio::test]` are conveniences, not magic: each one rewrites your
//! `async fn` into a plain `fn` that builds a runtime with `tokio::runtime::Builder` and calls
//! `block_on` on the body. Writing that code yourself once makes three things visible that the
//! attributes hide:
//!
//! * which *flavor* of scheduler you get (`current_thread`: everything on the calling thread;
//!   `multi_thread`: a pool of worker threads that steal work from each other),
//! * which *drivers* are switched on (timers, I/O) — a runtime without the timer driver panics on
//!   the first `sleep`,
//! * how test time is made virtual (only a `current_thread` runtime accepts a paused clock).
//!
//! Your task: fill in the four functions below using only `tokio::runtime::Builder` (no
//! `#[tokio::main]`, no `Runtime::new()`). It is fine to `.expect(...)` the result of `build()`:
//! building only fails if the OS refuses to create threads or an event queue.

use std::future::Future;

use tokio::runtime::Runtime;

/// A single-threaded runtime with both drivers (timers and I/O) enabled.
///
/// Tasks spawned on it run on whichever thread calls [`Runtime::block_on`], and only while that
/// call is in progress: there is no background thread to run them otherwise.
pub fn current_thread_runtime() -> Runtime {
    todo!("a current_thread runtime with timers and I/O")
}

/// A multi-threaded runtime with exactly `workers` worker threads, each named `thread_name`, with
/// both drivers enabled.
///
/// Naming the workers is cheap and pays off the first time you read a panic message or a profiler
/// trace: "gear-worker" says more than "tokio-runtime-worker".
pub fn multi_thread_runtime(workers: usize, thread_name: &str) -> Runtime {
    let _ = (workers, thread_name);
    todo!("a multi_thread runtime with `workers` named workers, timers and I/O")
}

/// Runs `fut` to completion the way `#[tokio::main]` (with no arguments) runs the body of `main`.
///
/// Find out which scheduler flavor the attribute picks by default, and which drivers it enables;
/// then build that runtime and hand `fut` to it.
pub fn run_like_tokio_main<F: Future>(fut: F) -> F::Output {
    drop(fut);
    todo!("build the runtime #[tokio::main] builds, then block_on(fut)")
}

/// Runs `fut` to completion the way `#[tokio::test(start_paused = true)]` runs a test body.
///
/// Tests default to a different flavor than `main` does. With a paused clock, whenever every task
/// is waiting, Tokio jumps the clock straight to the next timer instead of sleeping, so an
/// hour-long `sleep` finishes at once.
pub fn run_like_paused_tokio_test<F: Future>(fut: F) -> F::Output {
    drop(fut);
    todo!("build the runtime #[tokio::test(start_paused = true)] builds, then block_on(fut)")
}
