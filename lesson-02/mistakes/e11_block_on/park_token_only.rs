// Breaks rule 2 at the executor (every wake must lead to a poll): relies on park's token alone, so code inside poll that parks too (a std channel's recv, a nested block_on) uses up the token of a wake and block_on sleeps forever.
//! Exercise 11 — `block_on`: the executor that every chain of `.await`s ends in.
//!
//! Every `.await` chain ends somewhere that is not async: a plain function that calls `poll` on the
//! outermost future. That function is an executor, and the smallest useful one is `block_on`: poll
//! the future; if it is `Pending`, put the thread to sleep until the waker is called; poll again.
//!
//! The waker is ours to build, and it decides everything. Here it holds the handle of the thread
//! running `block_on`, and waking it means unparking that thread. `thread::park` keeps a token: an
//! unpark that arrives *before* we park (say, the future woke itself during `poll`) makes the next
//! park return at once, so no wake is ever lost between "poll said Pending" and "go to sleep".

use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// The waker: unparks the thread that runs `block_on`.
struct Unparker(Thread);

impl Wake for Unparker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `fut` to completion on the current thread, sleeping (not spinning) while it is pending.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    // `poll` needs a pinned future. Boxing pins it on the heap, whatever `F` is (lesson 17 shows
    // how to pin on the stack).
    let mut fut = Box::pin(fut);
    // `Waker::from` turns any `Arc<impl Wake>` into a `Waker`: no unsafe vtable needed.
    let waker = Waker::from(Arc::new(Unparker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(out) => return out,
            // Sleep until woken. `park` may also return spuriously; that only costs one extra
            // poll, which is harmless because the future decides for itself whether it is done.
            Poll::Pending => thread::park(),
        }
    }
}
