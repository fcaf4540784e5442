// Breaks rule 4 from the executor's side (no busy polling): never sleeps, re-polls in a tight loop with a waker that does nothing.
//! Exercise 11 — `block_on` (known-wrong variant: a spinning executor).

use std::future::Future;
use std::task::{Context, Poll, Waker};

/// Runs `fut` to completion on the current thread (spinning while it is pending).
pub fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = Box::pin(fut);
    // "Who needs wakes if we just keep asking?"
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        std::hint::spin_loop();
    }
}
