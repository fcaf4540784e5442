//! `block_on`: the smallest useful executor.
//!
//! An executor's whole job is: poll the future; if it says `Pending`, wait
//! until someone calls the waker; poll again. Here "wait" means *parking* the
//! current thread (sleeping without using the CPU) and the waker *unparks* it.
//!
//! Two details make it correct rather than just usually working:
//!
//! - **A wake can arrive before we park** (even during the poll itself). The
//!   waker sets a `notified` flag before unparking, and we only park while the
//!   flag is clear, so no wake is ever missed.
//! - **A thread can wake up from `park` for no reason** (a "spurious wakeup").
//!   We re-check the flag after every park and go back to sleep if nobody
//!   actually woke us. There is no busy loop: between wakes the thread sleeps.
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// The waker of [`block_on`]: remembers that a wake happened, then unparks the
/// thread that is running the future.
struct ThreadWaker {
    thread: Thread,
    notified: AtomicBool,
}

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        // Flag first, then unpark: the parked thread checks the flag on waking.
        self.notified.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

/// Runs `fut` to completion on the current thread, sleeping between wakes.
///
/// The future only runs again after its waker is called, exactly as under a
/// real executor: a future that returns `Pending` without arranging a wake
/// makes `block_on` sleep forever. In tests, prefer
/// [`Harness::block_on`](crate::Harness::block_on), which reports that
/// mistake instead of hanging.
///
/// ```
/// use shared::test_futures::ReadyAfter;
///
/// assert_eq!(shared::block_on(ReadyAfter::new(3, "done")), "done");
/// assert_eq!(shared::block_on(async { 1 + 1 }), 2);
/// ```
pub fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let state = Arc::new(ThreadWaker {
        thread: thread::current(),
        notified: AtomicBool::new(false),
    });
    let waker = Waker::from(state.clone());
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = fut.as_mut().poll(&mut cx) {
            return output;
        }
        // `swap(false)` consumes the wake: one wake buys exactly one more poll.
        while !state.notified.swap(false, Ordering::Acquire) {
            thread::park();
        }
    }
}
