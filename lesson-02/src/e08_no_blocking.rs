//! Exercise 8 — no blocking in `poll` (rules 3 and 4).
//!
//! An executor runs many tasks on few threads by calling `poll` on each in turn. While one `poll`
//! runs, nothing else on that thread can: not the other tasks, not the timers, not the I/O. So:
//!
//! * **rule 3**: `poll` must not block: no `std::thread::sleep`, no blocking reads, no waiting on
//!   a `std::sync` lock that is held for long or fought over (a short, uncontended lock is fine).
//!   Wait by returning `Pending` with a wake arranged;
//! * **rule 4**: `poll` should be quick. Heavy computation belongs on a thread made for it:
//!   `tokio::task::spawn_blocking(closure)` runs the closure on tokio's blocking pool and gives you a
//!   `JoinHandle`, a future of the closure's result.
//!
//! ## The code you are given
//!
//! A colleague wrote this. It works in a quick test and stalls everything in production:
//!
//! ```ignore
//! pub struct Cooldown<T> { value: Option<T>, wait: Duration }
//!
//! impl<T: Unpin> Future for Cooldown<T> {
//!     type Output = T;
//!     fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<T> {
//!         std::thread::sleep(self.wait); // the whole executor thread sleeps with us
//!         Poll::Ready(self.value.take().unwrap())
//!     }
//! }
//!
//! pub async fn checksum(data: Vec<u8>) -> u64 {
//!     crunch(&data) // ~40 ms of CPU inside poll: every other task waits
//! }
//! ```
//!
//! ## Your task
//!
//! Rewrite both, keeping their behaviour:
//!
//! * [`Cooldown`] waits on tokio's timer instead: store a `Pin<Box<tokio::time::Sleep>>` (made with
//!   `Box::pin(tokio::time::sleep(wait))`) and poll it from your `poll`;
//! * [`checksum`] runs [`crunch`] on the blocking pool with `spawn_blocking` and awaits the result.
//!
//! The harness times every call to `poll`; the tests set its limit from the durations they use
//! (a quarter of a 40 ms cool-down), so even a short nap inside `poll` is reported as blocking.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// A value handed out after a cool-down period, without blocking the executor.
#[derive(Debug)]
pub struct Cooldown<T> {
    // Replace this placeholder with your fields: the value, and a boxed tokio `Sleep`.
    _todo: PhantomData<T>,
}

impl<T> Cooldown<T> {
    /// Yields `value` once `wait` has passed. Must be created inside a tokio runtime.
    pub fn new(value: T, wait: Duration) -> Self {
        let _ = (value, wait);
        todo!("keep the value and start a tokio timer")
    }
}

impl<T: Unpin> Future for Cooldown<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let _ = cx;
        todo!("poll the timer; hand out the value when it is Ready")
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
    let _ = data;
    todo!("run crunch on the blocking pool and await its JoinHandle")
}
