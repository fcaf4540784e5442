// Breaks "worker_threads sets the pool size": the worker count is never passed to the Builder, so the runtime starts one worker per CPU core, whatever was asked for (right only by luck, on a machine with that many cores).
//! # Exercise 1 — runtimes built by hand
//!
//! `#[tokio::main]` and `#[tokio::test]` are conveniences, not magic: each one rewrites your
//! `async fn` into a plain `fn` that builds a runtime with `tokio::runtime::Builder` and calls
//! `block_on` on the body. Writing that code yourself once makes three things visible that the
//! attributes hide:
//!
//! * which *flavor* of scheduler you get (`current_thread`: everything on the calling thread;
//!   `multi_thread`: a pool of worker threads that steal work from each other),
//! * which *drivers* are switched on (`enable_time` for timers, `enable_io` for sockets and pipes;
//!   `enable_all` for both) — a runtime without the timer driver panics on the first `sleep`,
//! * how test time is made virtual (`start_paused`, which only a `current_thread` runtime accepts).
//!
//! No macros in this file: only `Builder`.

use std::future::Future;

use tokio::runtime::{Builder, Runtime};

/// A single-threaded runtime with both drivers (timers and I/O) enabled.
///
/// Tasks spawned on it run on whichever thread calls [`Runtime::block_on`], and only while that
/// call is in progress: there is no background thread to run them otherwise.
pub fn current_thread_runtime() -> Runtime {
    Builder::new_current_thread()
        // Without this the runtime has no timer wheel and no I/O reactor: `sleep` would panic
        // with "timers are disabled".
        .enable_all()
        .build()
        .expect("building a current_thread runtime")
}

/// A multi-threaded runtime with exactly `workers` worker threads, each named `thread_name`, with
/// both drivers enabled.
///
/// Naming the workers is cheap and pays off the first time you read a panic message or a profiler
/// trace: "gear-worker" says more than "tokio-runtime-worker".
pub fn multi_thread_runtime(workers: usize, thread_name: &str) -> Runtime {
    let _ = workers;
    Builder::new_multi_thread()
        .thread_name(thread_name)
        .enable_all()
        .build()
        .expect("building a multi_thread runtime")
}

/// Runs `fut` to completion the way `#[tokio::main]` (with no arguments) runs the body of `main`.
///
/// The attribute's default is the *multi-threaded* scheduler with one worker per CPU core and all
/// drivers enabled; the body is then handed to `block_on`, which parks the calling thread until the
/// future is done.
pub fn run_like_tokio_main<F: Future>(fut: F) -> F::Output {
    Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("building the runtime #[tokio::main] would build")
        .block_on(fut)
}

/// Runs `fut` to completion the way `#[tokio::test(start_paused = true)]` runs a test body.
///
/// Tests default to the *current-thread* scheduler (deterministic, one thread). `start_paused`
/// freezes the runtime's clock: whenever every task is waiting, Tokio jumps the clock straight to
/// the next timer instead of sleeping, so an hour-long `sleep` finishes at once.
pub fn run_like_paused_tokio_test<F: Future>(fut: F) -> F::Output {
    Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("building the runtime #[tokio::test(start_paused = true)] would build")
        .block_on(fut)
}
