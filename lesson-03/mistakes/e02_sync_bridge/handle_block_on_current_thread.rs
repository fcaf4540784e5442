// Breaks "only Runtime::block_on drives a current_thread runtime's timers": total_blocking goes through rt.handle().block_on, which cannot fire lookup_price's timer, so it hangs.
//! # Exercise 2 — calling async code from synchronous code
//!
//! Most programs have a synchronous edge: `main`, a callback from a C library, a trait method you do
//! not control. Async functions cannot be called from there with `.await`; something has to *drive*
//! them. Tokio gives you two doors:
//!
//! * [`Runtime::block_on`] — you own the runtime; the calling thread drives the future (and, on a
//!   `current_thread` runtime, the timers and I/O too) until it finishes.
//! * [`Handle::block_on`] — you only hold a handle to a runtime someone else owns. The calling thread
//!   drives your future while the runtime's own worker threads keep its timers and I/O going.
//!
//! Both doors are for threads that are *not* already inside a runtime. A worker thread calling
//! `block_on` would stop polling every other task it owns while it waits, so Tokio refuses loudly:
//! "Cannot start a runtime from within a runtime". [`Handle::try_current`] tells you which side of
//! that line you are on.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use tokio::runtime::{Builder, Handle, Runtime};

/// The async API we want to reach from synchronous code: looks up the price of one part.
///
/// It waits on a short timer, so whatever drives it needs a runtime with the timer driver.
pub async fn lookup_price(part: &str) -> u32 {
    tokio::time::sleep(Duration::from_millis(2)).await;
    match part {
        "gear" => 12,
        "spring" => 3,
        "axle" => 25,
        other => other.len() as u32,
    }
}

/// Sums the prices of `parts` one after another (the order does not change the total).
async fn sum_prices(parts: &[&str]) -> u32 {
    let mut total = 0;
    for part in parts {
        total += lookup_price(part).await;
    }
    total
}

/// Whether the calling thread is inside a Tokio runtime (a worker, a `block_on` call, or the
/// runtime's blocking pool).
pub fn in_runtime() -> bool {
    Handle::try_current().is_ok()
}

/// The total price of `parts`, computed on the runtime `rt` from synchronous code.
pub fn total_blocking(rt: &Runtime, parts: &[&str]) -> u32 {
    // `block_on` borrows nothing 'static: the future may borrow `parts` because the call does not
    // return before the future is done.
    rt.handle().block_on(sum_prices(parts))
}

/// The total price of `parts`, computed from a plain (non-runtime) thread that only holds a
/// [`Handle`] to a multi-threaded runtime owned elsewhere.
pub fn total_via_handle(handle: &Handle, parts: &[&str]) -> u32 {
    // The future is polled here, on the calling thread; the runtime's workers fire its timer.
    handle.block_on(sum_prices(parts))
}

/// Returned by [`block_on_checked`] when it is called from inside a runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NestedRuntime;

impl fmt::Display for NestedRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("already inside a Tokio runtime: use .await (or spawn) instead of block_on")
    }
}

impl std::error::Error for NestedRuntime {}

/// Runs `fut` to completion on a fresh `current_thread` runtime — unless the caller is already
/// inside a runtime, in which case it returns `Err(NestedRuntime)` *without panicking* and without
/// polling `fut`.
///
/// (Conservative on purpose: Tokio's blocking pool would tolerate a nested `block_on`, but this
/// function treats any runtime context as "inside".)
pub fn block_on_checked<F: Future>(fut: F) -> Result<F::Output, NestedRuntime> {
    if in_runtime() {
        return Err(NestedRuntime);
    }
    let rt = Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("building a current_thread runtime");
    Ok(rt.block_on(fut))
}
