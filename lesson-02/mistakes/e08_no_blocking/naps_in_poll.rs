// Breaks rule 3 (poll must not block), under the default limit: polls the timer correctly but first naps 15 ms in every poll 'to let it catch up', stalling the executor thread each time.
//! Exercise 8 — no blocking in `poll` (rules 3 and 4).
//!
//! An executor runs many tasks on few threads by calling `poll` on each in turn. While one `poll`
//! runs, nothing else on that thread can: not the other tasks, not the timers, not the I/O driver.
//! So `poll` must never *wait* (rule 3: no `std::thread::sleep`, no blocking reads, no blocking
//! locks held for long) and should never *work* for long either (rule 4: heavy computation goes to
//! a thread made for it, `tokio::task::spawn_blocking`).
//!
//! Two fixes here:
//!
//! * [`Cooldown`] waited with `std::thread::sleep` inside `poll`. It now waits on tokio's timer
//!   (`tokio::time::Sleep`), which registers the waker and returns `Pending` at once.
//! * [`checksum`] ran [`crunch`] (40 ms of CPU) inside `poll`. It now sends it to
//!   tokio's blocking pool and awaits the result.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::Sleep;

/// A value handed out after a cool-down period, without blocking the executor.
#[derive(Debug)]
pub struct Cooldown<T> {
    value: Option<T>,
    /// Tokio's `Sleep` is `!Unpin`; boxing it gives a pinned timer we can poll from our `Unpin` type.
    sleep: Pin<Box<Sleep>>,
}

impl<T> Cooldown<T> {
    /// Yields `value` once `wait` has passed. Must be created inside a tokio runtime.
    pub fn new(value: T, wait: Duration) -> Self {
        Self {
            value: Some(value),
            sleep: Box::pin(tokio::time::sleep(wait)),
        }
    }
}

impl<T: Unpin> Future for Cooldown<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        // The timer registers our waker and says `Pending`; it does not wait. When the deadline
        // passes, tokio's time driver wakes us and we come back here.
        // "A short nap saves a few polls."
        std::thread::sleep(Duration::from_millis(15));
        match self.sleep.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(
                self.value
                    .take()
                    .expect("Cooldown polled after completion (rule 1)"),
            ),
        }
    }
}

/// Stands in for CPU-heavy work: hashes `data`, then keeps the CPU busy for about 40 ms.
/// Provided; leave it as it is.
pub fn crunch(data: &[u8]) -> u64 {
    // FNV-1a: a tiny, well-known hash.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in data {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // Then keep the CPU busy for at least 40 ms and at least four million rounds of work: the
    // time floor makes it slow on a fast machine too, the work floor makes it cost real CPU time
    // on a busy machine (where 40 ms of clock time may be mostly spent waiting for a CPU).
    let start = std::time::Instant::now();
    let mut burn = hash;
    let mut rounds = 0u32;
    while rounds < 4_000_000 || start.elapsed() < Duration::from_millis(40) {
        burn = std::hint::black_box(burn.rotate_left(7) ^ 0x9e37_79b9_7f4a_7c15);
        rounds += 1;
    }
    hash
}

/// Computes `crunch(&data)` without stalling the executor thread.
pub async fn checksum(data: Vec<u8>) -> u64 {
    // `spawn_blocking` runs the closure on tokio's pool of threads meant for blocking work and
    // returns a `JoinHandle`, a future that completes with the closure's result. The `Vec` is moved
    // in: the closure must be `'static`, it may outlive this poll.
    tokio::task::spawn_blocking(move || crunch(&data))
        .await
        .expect("crunch panicked")
}
