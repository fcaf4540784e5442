// Breaks rule 2 at the executor (poll when woken, not on a timer): ignores wakes and re-polls every 15 ms, so it polls with no wake to show for it and answers a wake up to 15 ms late.
//! Exercise 11 — `block_on` (known-wrong variant: an executor that ticks instead of waiting for wakes).

use std::future::Future;
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

/// Runs `fut` to completion on the current thread, polling it every 15 ms.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = Box::pin(fut);
    // "A wake only says 'poll me soon'; polling every 15 ms is soon enough."
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        thread::park_timeout(Duration::from_millis(15));
    }
}
