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
//! A wake can come at any moment: during `poll` (the future woke itself, or another thread was
//! quick), or while the thread sleeps. `std::thread::park` keeps a token for an `unpark` that
//! came early, but that token belongs to the thread, and code running inside `poll` that parks too
//! (a std channel's `recv`, a nested `block_on`) can use it up. So the waker must also leave a
//! note of its own that a wake happened, and `block_on` must park only while there is no note.
//!
//! ## Your task
//!
//! Implement [`block_on`]:
//!
//! * it returns the future's output;
//! * between polls it sleeps (`thread::park`): it does not spin, and waiting costs no CPU;
//! * it polls when woken, and only then: a future woken once after 90 ms is polled twice, not on
//!   a timer every few milliseconds;
//! * any wake (from this thread or another, before, during or after `poll`, even if code inside
//!   `poll` parks the thread itself) gets the future polled again, promptly.
//!
//! `poll` needs a pinned future: `Box::pin(fut)` pins any future on the heap (pinning on the
//! stack comes with lesson 17, planned and not written yet).

use std::future::Future;

/// Runs `fut` to completion on the current thread, sleeping (not spinning) while it is pending.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    drop(fut);
    todo!("a waker that unparks this thread; poll, park, repeat")
}
