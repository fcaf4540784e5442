//! Exercise 11 — `block_on`: the executor that every chain of `.await`s ends in.
//!
//! Every `.await` chain ends somewhere that is not async: a plain function that calls `poll` on the
//! outermost future. That function is an executor, and the smallest useful one is `block_on`: poll
//! the future; if it is `Pending`, put the thread to sleep until the waker is called; poll again.
//!
//! The waker is ours to build, and it decides everything. Here it holds the handle of the thread
//! running `block_on` and a `notified` flag: waking sets the flag, then unparks the thread. The
//! executor sleeps only while the flag is clear, and clears it before each poll.
//!
//! Why a flag when `thread::park` already keeps a token for an early `unpark`? Because the token
//! belongs to the *thread*, not to us: any code that runs inside `poll` on this thread and parks
//! (a std channel's `recv`, a nested `block_on`, `thread::scope` waiting for its threads) can use
//! it up. Our own wake would then be gone, and we would park forever. The flag is ours alone.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// The waker: remembers that a wake happened, then unparks the thread that runs `block_on`.
struct Unparker {
    thread: Thread,
    notified: AtomicBool,
}

impl Wake for Unparker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Flag first, then unpark: the executor looks at the flag when it wakes up.
        self.notified.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

/// Runs `fut` to completion on the current thread, sleeping (not spinning) while it is pending.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    // `poll` needs a pinned future. Boxing pins it on the heap, whatever `F` is (pinning on the
    // stack comes with lesson 17, planned).
    let mut fut = Box::pin(fut);
    let unparker = Arc::new(Unparker {
        thread: thread::current(),
        notified: AtomicBool::new(false),
    });
    // `Waker::from` turns any `Arc<impl Wake>` into a `Waker`: no unsafe vtable needed.
    let waker = Waker::from(Arc::clone(&unparker));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        // Sleep until a wake has really happened. `swap(false)` takes the wake, so one wake buys
        // exactly one more poll; a park that returns for no reason (or because code inside poll
        // left a stray token) just goes round and parks again.
        while !unparker.notified.swap(false, Ordering::Acquire) {
            thread::park();
        }
    }
}
