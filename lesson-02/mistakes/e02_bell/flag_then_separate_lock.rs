// Breaks rule 2 through a race (check and store must be one step): the rung flag and the waker slot sit under separate locks, so a ring that lands between 'not rung yet' and 'store the waker' finds no waker, and that wake is lost.
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
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// The state a [`Bell`] and its [`Ringer`]s share: an atomic flag, and the waker under its own lock.
#[derive(Debug, Default)]
struct Shared {
    rung: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

/// A future that completes once its [`Ringer`] has rung it.
#[derive(Debug)]
pub struct Bell {
    shared: Arc<Shared>,
}

/// Rings the [`Bell`] it was made with. Cheap to clone; usable from any thread.
#[derive(Debug, Clone)]
pub struct Ringer {
    shared: Arc<Shared>,
}

/// Makes a bell and the ringer that completes it.
pub fn bell() -> (Bell, Ringer) {
    let shared = Arc::new(Shared::default());
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
        self.shared.rung.store(true, Ordering::SeqCst);
        let waker = self.shared.waker.lock().unwrap().take();
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
        if self.shared.rung.load(Ordering::SeqCst) {
            return Poll::Ready(());
        }
        // "The flag is atomic and the slot has its own lock: each is safe on its own."
        *self.shared.waker.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }
}
