//! Exercise 2 — a bell rung from another thread.
//!
//! The ratchet woke itself. Real leaf futures cannot: they wait for something that happens
//! elsewhere (a thread finishing, a socket becoming readable, a timer firing). So they hand their
//! waker to whoever will cause that event, and *that* party calls `wake()`. Here is the smallest such
//! pair: a [`Bell`] future, and a [`Ringer`] any thread can use to ring it.
//!
//! The catch: a future can be polled several times before the event, and the waker in `cx` may be
//! a different one each time (the task may have moved to another worker thread, or a combinator may
//! poll it with a waker of its own). Only the waker from the **most recent** poll is sure to reach
//! the task. Keep that one. (`Waker::will_wake` can spare a clone when the stored waker wakes the
//! same task; it is best-effort, so when it says `false`, just store the new one.)
//!
//! ## Your task
//!
//! * [`bell`] makes a `Bell` and its `Ringer`, sharing some state (an `Arc<Mutex<...>>` holding
//!   "has it rung?" and "which waker to wake" works well).
//! * Polling the `Bell` returns `Ready(())` if it has been rung; otherwise it stores the current
//!   waker (replacing an older one) and returns `Pending`. It may be polled any number of times,
//!   woken or not: every poll checks again and stores its waker again;
//! * [`Ringer::ring`] marks the bell as rung and wakes the stored waker, if any. Ringing twice is
//!   harmless; ringing before the first poll means the first poll is `Ready`.
//!
//! Keep the flag and the waker under one lock, checked and stored in one go: if a ring can slip in
//! between "not rung yet" and "store the waker", it finds no waker and the wake is lost.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that completes once its [`Ringer`] has rung it.
#[derive(Debug)]
pub struct Bell {
    // Replace this placeholder with the shared state.
    _todo: (),
}

/// Rings the [`Bell`] it was made with. Cheap to clone; usable from any thread.
#[derive(Debug, Clone)]
pub struct Ringer {
    // Replace this placeholder with the shared state.
    _todo: (),
}

/// Makes a bell and the ringer that completes it.
pub fn bell() -> (Bell, Ringer) {
    todo!("create the shared state and give a handle to each side")
}

impl Ringer {
    /// Rings the bell: the bell completes, and the task waiting on it (if any) is woken.
    /// Ringing again later does nothing more.
    pub fn ring(&self) {
        todo!("mark the bell as rung, then wake the stored waker")
    }
}

impl Future for Bell {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _ = cx;
        todo!("Ready if rung; otherwise keep the newest waker and return Pending")
    }
}
