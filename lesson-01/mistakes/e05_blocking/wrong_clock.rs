// Breaks "wait on tokio's timer": the deadline is measured with std::time::Instant while the waiting is done with tokio sleeps, so the two clocks disagree (under a paused clock, virtual time races far past the period).
//! # e05 — Don't block the thread
//!
//! An async runtime runs many tasks on few threads by taking turns: a task runs until it reaches an
//! `.await` that is not ready, hands the thread back, and another task gets a turn. The hand-back only
//! happens at an `.await`. Code that holds the thread without awaiting — `std::thread::sleep`, a
//! blocking file or network call, a long computation — keeps *every other task on that thread*
//! waiting until it is done. Nothing warns you; things just get slow, or stall.
//!
//! The tests make that visible with a *heartbeat*: a small task, on the same thread as your code,
//! that counts a tick every few milliseconds. While your code waits politely, the heartbeat keeps
//! ticking. While your code blocks, the heartbeat is frozen.
//!
//! Two fixes, for two kinds of waiting:
//!
//! - waiting for *time* — use `tokio::time::sleep(d).await`: it registers a timer and gives the thread
//!   back; the runtime wakes the task when the time is up;
//! - *blocking work you cannot make async* (a synchronous library, heavy CPU) — move it off the async
//!   thread with `tokio::task::spawn_blocking(closure)`, which runs the closure on a separate pool of
//!   threads meant for blocking, and await the handle it returns. (The closure must own its data:
//!   `move` it in.)
//!
//! ## The task
//!
//! - [`cool_down`]: wait `period` without holding the thread.
//! - [`digest`]: compute [`legacy_digest`] of `data` without holding the async thread while it runs.

use std::time::Duration;

/// A digest from a "legacy" synchronous library. It **blocks the calling thread** for `cost`
/// (standing in for slow blocking I/O or heavy computation), then returns a 64-bit FNV-1a hash of
/// `data`.
///
/// Calling it directly from async code freezes every task on the calling thread for `cost`.
pub fn legacy_digest(data: &[u8], cost: Duration) -> u64 {
    std::thread::sleep(cost);
    data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Waits for `period` while letting other tasks on the same thread run.
pub async fn cool_down(period: Duration) {
    // A timer: the task is parked until the deadline and the thread is free for others meanwhile.
    let deadline = std::time::Instant::now() + period;
    while std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
}

/// Computes `legacy_digest(&data, cost)` without blocking the async thread.
///
/// Panics if the blocking computation panicked.
pub async fn digest(data: Vec<u8>, cost: Duration) -> u64 {
    // The closure owns `data`, runs on tokio's blocking pool, and we wait for it without holding
    // the async thread. The `Err` case is a panic inside the closure.
    tokio::task::spawn_blocking(move || legacy_digest(&data, cost))
        .await
        .expect("the digest panicked")
}
