//! Exercise 11 — `block_on`: the executor that every chain of `.await`s ends in.
//!
//! Every chain of `.await`s ends somewhere that is not async: an ordinary function that calls
//! `poll` on the outermost future. That function is an executor, and the smallest useful one is
//! `block_on`: poll the future; if it is `Pending`, put the thread to sleep until the waker is
//! called; poll again; repeat until `Ready`.
//!
//! The waker is yours to build, and it decides everything. Make it hold the handle of the thread
//! that runs `block_on` (`std::thread::current()`), and make waking it *unpark* that thread. The
//! standard library turns any `Arc<T>` where `T: std::task::Wake` into a `Waker` with
//! `Waker::from(arc)`, no unsafe code needed.
//!
//! `std::thread::park` keeps a token: an `unpark` that arrives *before* the thread parks (for
//! example, the future woke itself during `poll`) makes the next `park` return at once. So there is
//! no window in which a wake can be lost between "poll said Pending" and "go to sleep".
//!
//! ## Your task
//!
//! Implement [`block_on`]:
//!
//! * it returns the future's output;
//! * between polls it sleeps (`thread::park`), it does not spin: a future that is woken once after
//!   30 ms must be polled a handful of times, not thousands;
//! * any wake (from this thread or another) gets the future polled again.
//!
//! `poll` needs a pinned future: `Box::pin(fut)` pins any future on the heap (lesson 17 shows how
//! to pin on the stack).

use std::future::Future;

/// Runs `fut` to completion on the current thread, sleeping (not spinning) while it is pending.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    drop(fut);
    todo!("a waker that unparks this thread; poll, park, repeat")
}
