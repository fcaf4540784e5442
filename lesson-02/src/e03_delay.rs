//! Exercise 3 — a `Delay` woken by one helper thread.
//!
//! A timer without a runtime. When first polled before its deadline, [`Delay`] starts a helper
//! thread that sleeps until the deadline and then wakes the task. (Real runtimes keep every timer in
//! one timer wheel driven by their event loop; a thread per timer is the poor man's version, fine
//! for learning the shape: register the waker where the event source can reach it, let the event
//! source call `wake()`, check again on the next poll.)
//!
//! The tempting version spawns the thread inside `poll` every time it returns `Pending`, handing
//! it that poll's waker. But a future can be polled many times before it is ready (by `select!`, by
//! `join`, after a spurious wake): fifty polls would mean fifty threads, and fifty wakes at the
//! deadline, forty-nine of them to wakers that no longer matter. Poll must stay cheap (rule 4).
//!
//! ## Your task
//!
//! Implement [`Delay`] so that, however often it is polled:
//!
//! * the deadline is `duration` after [`Delay::new`] (not after the first poll): it never returns
//!   `Ready` before it, and returns `Ready` on any poll after it;
//! * it starts **at most one** helper thread (none at all if the deadline has already passed);
//! * at the deadline, it wakes exactly one waker, **the one from the most recent poll**, exactly
//!   once. Keep the waker in state shared with the thread and replace it on each poll (unless
//!   `Waker::will_wake` says the stored one wakes the same task already).
//!
//! Careful with the hand-over: the thread must mark "fired" and take the waker under the same lock
//! that `poll` uses to check and store. Otherwise a poll can store its waker just after the thread
//! looked, and that wake is lost.
//!
//! `std::thread::sleep` is fine in the helper thread (it is yours); it is never fine in `poll`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Completes once `duration` has passed since [`Delay::new`], using at most one helper thread.
#[derive(Debug)]
pub struct Delay {
    // Replace this placeholder with your fields (the deadline, the shared state, ...).
    _todo: (),
}

impl Delay {
    /// A delay that ends `duration` from now. Nothing starts until the first poll.
    pub fn new(duration: Duration) -> Self {
        let _ = duration;
        todo!("remember the deadline: Instant::now() + duration")
    }
}

impl Future for Delay {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _ = cx;
        todo!("Ready once the deadline passed; else store the newest waker, start the thread once")
    }
}
