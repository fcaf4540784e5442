//! Exercise 2 — a bell rung from another thread.
//!
//! The ratchet woke itself. Real leaf futures cannot: they wait for something that happens
//! elsewhere (a thread finishing, a socket becoming readable). So they hand their waker to whoever
//! will cause that event, and that party calls `wake()`. This exercise is the smallest such pair: a
//! [`Bell`] future and a [`Ringer`] that any thread can use to ring it.
//!
//! The catch that makes it worth an exercise: a future can be polled many times before the event,
//! and the waker it is handed may differ each time (the task may have moved to another worker
//! thread, or it may be polled by a combinator with its own waker). Only the waker from the most
//! recent poll is guaranteed to reach the task, so the shared slot must always hold the latest one.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// The state a [`Bell`] and its [`Ringer`]s share.
///
/// One mutex guards both fields so "has it rung?" and "whom do I wake?" are always read and written
/// together: checking the flag and storing the waker must be one step, or a ring landing in between
/// would find no waker and the wake would be lost (rule 2).
#[derive(Debug, Default)]
struct Shared {
    rung: bool,
    waker: Option<Waker>,
}

/// A future that completes once its [`Ringer`] has rung it.
#[derive(Debug)]
pub struct Bell {
    shared: Arc<Mutex<Shared>>,
}

/// Rings the [`Bell`] it was made with. Cheap to clone; usable from any thread.
#[derive(Debug, Clone)]
pub struct Ringer {
    shared: Arc<Mutex<Shared>>,
}

/// Makes a bell and the ringer that completes it.
pub fn bell() -> (Bell, Ringer) {
    let shared = Arc::new(Mutex::new(Shared::default()));
    (
        Bell {
            shared: Arc::clone(&shared),
        },
        Ringer { shared },
    )
}

impl Ringer {
    /// Rings the bell: the bell completes, and the task waiting on it (if any) is woken.
    /// Ringing again later does nothing more.
    pub fn ring(&self) {
        let waker = {
            let mut shared = self.shared.lock().unwrap();
            shared.rung = true;
            shared.waker.take()
        };
        // Wake outside the lock: `wake` may run arbitrary executor code, which could even poll the
        // bell again on this thread and try to take the same lock.
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Future for Bell {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut shared = self.shared.lock().unwrap();
        if shared.rung {
            return Poll::Ready(());
        }
        // Rule 2: keep the waker of *this* poll, on every poll (we may be polled without a ring,
        // by a Join or after a spurious wake). `clone_from` skips the clone when `will_wake` says
        // the stored waker wakes the same task; `will_wake` is best-effort, so a `false` only
        // costs a clone.
        match &mut shared.waker {
            Some(stored) => stored.clone_from(cx.waker()),
            None => shared.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}
