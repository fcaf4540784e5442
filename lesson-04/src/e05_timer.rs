//! Exercise 5 — one timer thread for many sleeps.
//!
//! Lesson 02's `Delay` started a thread for each delay. That is fine for one delay and ruinous
//! for ten thousand: each thread costs memory for its stack and work for the kernel. A runtime
//! does better: it keeps every pending deadline in *one* sorted structure, and *one* thread (or the
//! run loop itself, between polls) sleeps until the earliest deadline, wakes the sleeps that are
//! due, and goes back to sleep until the next one.
//!
//! ## Your task
//!
//! * [`Timer::new`] starts the timer thread. It is the only thread the timer ever uses, however
//!   many sleeps it serves and however often they are polled.
//! * [`Timer::sleep`] makes a [`Sleep`] that ends `duration` after the call to `sleep` (not after
//!   its first poll: time starts when the sleep is made, as with tokio's `sleep`).
//! * Polling a [`Sleep`] before its deadline registers it with the timer (or updates the waker it
//!   registered before: keep the newest) and returns `Pending`. At the deadline the timer thread
//!   wakes it, once; never before. Polled at or after its deadline, a sleep is `Ready(())`.
//! * Dropping a [`Sleep`] (a cancelled wait) removes it from the timer at once (write an
//!   `impl Drop for Sleep`): the timer keeps no entry and no waker for it. [`Timer::pending`] counts the registered sleeps: polled,
//!   not yet fired, not dropped.
//! * The timer thread sleeps between deadlines (no spinning, no ticking every millisecond), and a
//!   new sleep with an earlier deadline than all the others must not wait for the old one.
//!
//! ## Trade-offs
//!
//! A `BTreeMap<(Instant, u64), Waker>` keyed by deadline plus a unique id keeps the next deadline
//! first and lets a dropped sleep remove its own key (a `BinaryHeap` is faster to push but cannot
//! remove from the middle: it needs "tombstones" instead). The thread can wait on a `Condvar` with
//! `wait_timeout(earliest - now)`; a sleep that becomes the earliest calls `notify_one` so the
//! thread wakes and shortens its wait. Wake the due wakers *after* releasing the lock. Real
//! runtimes use a hashed *timer wheel* instead, which makes insert and remove O(1) at the price of
//! millisecond resolution.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Owns the one timer thread; makes [`Sleep`] futures.
pub struct Timer {
    // Replace this placeholder with the shared state (entries, a Condvar) the thread also holds.
    _todo: (),
}

/// A future that is ready once its deadline has passed.
pub struct Sleep {
    // Replace this placeholder with the deadline, an id and a handle to the timer's state.
    _todo: (),
}

impl Timer {
    /// Starts the timer thread. It is the only thread this timer ever uses.
    pub fn new() -> Self {
        todo!("the shared state, and one thread that sleeps until the earliest deadline")
    }

    /// A sleep that ends `duration` after this call (not after its first poll).
    pub fn sleep(&self, duration: Duration) -> Sleep {
        let _ = duration;
        todo!("a Sleep with deadline now + duration and a unique id")
    }

    /// How many sleeps are waiting for the timer thread to wake them (polled, not yet fired, not
    /// dropped).
    pub fn pending(&self) -> usize {
        todo!("the number of registered entries")
    }
}

impl Default for Timer {
    fn default() -> Self {
        Self::new()
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _ = cx;
        todo!("Ready if the deadline passed; else register (or update) the newest waker, Pending")
    }
}
