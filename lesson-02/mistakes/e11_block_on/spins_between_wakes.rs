// Breaks rule 4 at the executor (waiting must not burn a CPU): polls once per wake, as it should, but between wakes it spins on the notified flag instead of parking, so waiting costs a whole CPU.
//! Exercise 11 — `block_on` (known-wrong variant: one poll per wake, a busy wait in between).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

/// The waker: sets a flag the executor watches.
struct Flag(AtomicBool);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::Release);
    }
}

/// Runs `fut` to completion on the current thread, spinning between wakes.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = Box::pin(fut);
    let flag = Arc::new(Flag(AtomicBool::new(false)));
    let waker = Waker::from(Arc::clone(&flag));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        // One poll per wake, exactly: but the thread never sleeps while it waits.
        while !flag.0.swap(false, Ordering::Acquire) {
            std::hint::spin_loop();
        }
    }
}
