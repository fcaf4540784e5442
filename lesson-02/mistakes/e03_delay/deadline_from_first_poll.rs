// Breaks the Delay's moment in time (it counts from new, as its docs say): computes the deadline at the first poll, so a Delay polled late finishes late, and one whose deadline already passed still waits the whole duration.
//! Exercise 3 — a `Delay` woken by one helper thread.
//!
//! A timer future without a runtime: when first polled before its deadline, [`Delay`] starts one
//! helper thread that sleeps until the deadline and then wakes the task. Real runtimes keep all
//! timers in one timer wheel driven by the event loop; a thread per timer is the poor man's
//! version, fine for learning the shape:
//!
//! * register the waker somewhere the event source can reach it,
//! * let the event source call `wake()` when the time comes,
//! * on the next poll, check whether the deadline really has passed.
//!
//! The naive version spawns a thread on *every* `Pending` poll. A future can be polled many times
//! before it is ready (by `select!`, by `join`, after spurious wakes), and each poll would leave a
//! thread behind and a stale waker to be woken later. Done right there is exactly one thread, and it
//! wakes exactly one waker: the most recent one.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

/// What the future and its helper thread share.
#[derive(Debug, Default)]
struct Shared {
    /// Set by the helper thread once the deadline has passed.
    fired: bool,
    /// The waker of the most recent `Pending` poll.
    waker: Option<Waker>,
}

/// Completes once `duration` has passed since [`Delay::new`], using at most one helper thread.
#[derive(Debug)]
pub struct Delay {
    duration: Duration,
    /// Set at the first poll: "a future does nothing until polled".
    deadline: Option<Instant>,
    shared: Arc<Mutex<Shared>>,
    /// Whether the helper thread has been started. Checked on every poll so it starts only once.
    started: bool,
}

impl Delay {
    /// A delay that ends `duration` from now. Nothing starts until the first poll.
    pub fn new(duration: Duration) -> Self {
        Self {
            duration,
            deadline: None,
            shared: Arc::default(),
            started: false,
        }
    }
}

impl Future for Delay {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let duration = self.duration;
        let deadline = *self.deadline.get_or_insert_with(|| Instant::now() + duration);
        {
            let mut shared = self.shared.lock().unwrap();
            // `fired` and the waker slot are read under the same lock the helper thread uses, so a
            // wake can't slip in between our check and our store (that would be a lost wakeup).
            if shared.fired || Instant::now() >= deadline {
                return Poll::Ready(());
            }
            // Keep only the newest waker; skip the clone when the stored one wakes the same task.
            match &shared.waker {
                Some(stored) if stored.will_wake(cx.waker()) => {}
                _ => shared.waker = Some(cx.waker().clone()),
            }
        }

        if !self.started {
            self.started = true;
            let shared = Arc::clone(&self.shared);
            // A named thread shows up by name in the harness timeline ("wake from thread ...").
            let spawned = thread::Builder::new().name("delay".into()).spawn(move || {
                // `thread::sleep` is fine *here*: this is our own thread, not the executor's.
                let now = Instant::now();
                if deadline > now {
                    thread::sleep(deadline - now);
                }
                let waker = {
                    let mut shared = shared.lock().unwrap();
                    shared.fired = true;
                    shared.waker.take()
                };
                if let Some(waker) = waker {
                    waker.wake();
                }
            });
            spawned.expect("could not start the Delay's helper thread");
        }
        Poll::Pending
    }
}
