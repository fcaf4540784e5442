// Breaks rule 3 (poll must not block): the Cooldown you were given, which waits with std::thread::sleep inside poll.
//! Exercise 8 — no blocking in `poll` (known-wrong variant: the original, blocking `Cooldown`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// A value handed out after a cool-down period (blocking the executor while it waits).
#[derive(Debug)]
pub struct Cooldown<T> {
    value: Option<T>,
    wait: Duration,
}

impl<T> Cooldown<T> {
    /// Yields `value` once `wait` has passed.
    pub fn new(value: T, wait: Duration) -> Self {
        Self {
            value: Some(value),
            wait,
        }
    }
}

impl<T: Unpin> Future for Cooldown<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<T> {
        std::thread::sleep(self.wait); // the whole executor thread sleeps with us
        Poll::Ready(self.value.take().unwrap())
    }
}

/// Stands in for CPU-heavy work: hashes `data`, then keeps the CPU busy for about 40 ms.
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
    tokio::task::spawn_blocking(move || crunch(&data))
        .await
        .expect("crunch panicked")
}
