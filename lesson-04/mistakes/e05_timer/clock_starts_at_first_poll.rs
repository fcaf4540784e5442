// Breaks "time starts when the sleep is made" (subtle, a moment in time): the deadline is counted from the first poll, so a sleep polled late ends late.
//! Exercise 5 — one timer thread for many sleeps.
//!
//! Lesson 02's `Delay` started a thread per delay: fine for one, ruinous for ten thousand. A
//! runtime keeps every pending deadline in one sorted structure and lets one thread (or the run
//! loop itself) sleep until the earliest, wake the sleeps that are due, and go back to sleep.
//!
//! Here the structure is a `BTreeMap` keyed by `(deadline, id)`: the first entry is always the
//! next deadline, and a dropped `Sleep` removes its own key in O(log n). The timer thread waits on
//! a `Condvar` with a timeout until that deadline; a new sleep that comes first notifies it, so it
//! can shorten its wait.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

/// Owns the one timer thread; makes [`Sleep`] futures.
pub struct Timer {
    shared: Arc<Shared>,
}

/// A future that is ready once its deadline has passed.
pub struct Sleep {
    key: (Instant, u64),
    duration: Duration,
    started: bool,
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    /// Signalled when the earliest deadline changes or the timer is dropped.
    changed: Condvar,
}

#[derive(Default)]
struct State {
    /// Registered sleeps, earliest first, with the waker of each one's latest poll.
    entries: BTreeMap<(Instant, u64), Waker>,
    next_id: u64,
    timer_dropped: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Timer {
    /// Starts the timer thread (named `gears-timer`). It is the only thread this timer ever
    /// uses, however many sleeps it serves.
    pub fn new() -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        });
        let for_thread = Arc::clone(&shared);
        thread::Builder::new()
            .name("gears-timer".into())
            .spawn(move || timer_thread(&for_thread))
            .expect("spawning the timer thread");
        Timer { shared }
    }

    /// A sleep that ends `duration` after this call (not after its first poll).
    pub fn sleep(&self, duration: Duration) -> Sleep {
        let mut state = self.shared.lock();
        let id = state.next_id;
        state.next_id += 1;
        Sleep {
            key: (Instant::now() + duration, id),
            duration,
            started: false,
            shared: Arc::clone(&self.shared),
        }
    }

    /// How many sleeps are waiting for the timer thread to wake them (polled, not yet fired, not
    /// dropped).
    pub fn pending(&self) -> usize {
        self.shared.lock().entries.len()
    }
}

impl Default for Timer {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        // The thread finishes the sleeps still registered, then ends.
        self.shared.lock().timer_dropped = true;
        self.shared.changed.notify_one();
    }
}

/// The timer thread: sleep until the earliest deadline, wake what is due, repeat.
fn timer_thread(shared: &Shared) {
    let mut state = shared.lock();
    loop {
        let now = Instant::now();
        let mut due = Vec::new();
        while let Some(entry) = state.entries.first_entry() {
            if entry.key().0 > now {
                break;
            }
            due.push(entry.remove());
        }
        if !due.is_empty() {
            // Wake outside the lock: a woken task may poll (and lock) at once on another thread.
            drop(state);
            due.into_iter().for_each(Waker::wake);
            state = shared.lock();
            continue;
        }
        state = match state.entries.keys().next() {
            Some(&(deadline, _)) => {
                let wait = deadline.saturating_duration_since(now);
                shared
                    .changed
                    .wait_timeout(state, wait)
                    .unwrap_or_else(|p| p.into_inner())
                    .0
            }
            None if state.timer_dropped => return,
            None => shared.changed.wait(state).unwrap_or_else(|p| p.into_inner()),
        };
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if !self.started {
            // A future does nothing until polled, so the clock starts now.
            self.started = true;
            self.key.0 = Instant::now() + self.duration;
        }
        let mut state = self.shared.lock();

        if Instant::now() >= self.key.0 {
            state.entries.remove(&self.key);
            return Poll::Ready(());
        }
        let earliest = state.entries.keys().next().is_none_or(|first| self.key < *first);
        match state.entries.get_mut(&self.key) {
            Some(stored) => stored.clone_from(cx.waker()), // keep the newest waker
            None => {
                state.entries.insert(self.key, cx.waker().clone());
            }
        }
        drop(state);
        if earliest {
            // The thread may be sleeping until a later deadline: make it look again.
            self.shared.changed.notify_one();
        }
        Poll::Pending
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        // A cancelled sleep leaves the timer: no wake for nobody, and its waker is released.
        self.shared.lock().entries.remove(&self.key);
    }
}
