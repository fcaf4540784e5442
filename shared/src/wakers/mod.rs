//! Test wakers: wakers that remember what was done to them.
//!
//! A [`Waker`] is the "call me back" handle a future receives inside its
//! `Context`. A future that cannot finish yet must keep a copy of it (by
//! cloning) and make sure someone calls `wake()` on it later; the executor then
//! polls the future again. When you test a future by hand, you poll it with one
//! of these wakers and afterwards ask: *was it cloned? was it woken? from which
//! thread?*
//!
//! ```
//! use std::future::Future;
//! use std::pin::pin;
//! use std::task::{Context, Poll};
//! use shared::test_futures::YieldOnce;
//! use shared::wakers::counting_waker;
//!
//! let (waker, counts) = counting_waker();
//! let mut cx = Context::from_waker(&waker);
//! let mut fut = pin!(YieldOnce::default());
//! assert_eq!(fut.as_mut().poll(&mut cx), Poll::Pending);
//! // YieldOnce woke itself before returning Pending (rule 2).
//! assert_eq!(counts.total_wakes(), 1);
//! assert_eq!(fut.as_mut().poll(&mut cx), Poll::Ready(()));
//! ```
//!
//! - [`counting_waker`] counts wakes, clones and drops;
//! - [`thread_recording_waker`] records the name of each thread that woke it;
//! - [`noop_waker`] does nothing, for polls where nobody cares about wakes.
mod hooks;

pub use hooks::{WakeHooks, hooked_waker};

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Waker;

/// What happened to a [`counting_waker`] and its clones.
///
/// All counts cover the original handle *and* every clone of it.
#[derive(Debug, Default)]
pub struct WakeCounts {
    wakes: AtomicU64,
    wake_by_refs: AtomicU64,
    clones: AtomicU64,
    drops: AtomicU64,
}

impl WakeCounts {
    /// Calls to `wake()` (by value: the handle is used up).
    pub fn wakes(&self) -> u64 {
        self.wakes.load(Ordering::SeqCst)
    }
    /// Calls to `wake_by_ref()` (the handle stays usable).
    pub fn wake_by_refs(&self) -> u64 {
        self.wake_by_refs.load(Ordering::SeqCst)
    }
    /// `wakes() + wake_by_refs()`: how many times anyone asked for a poll.
    pub fn total_wakes(&self) -> u64 {
        self.wakes() + self.wake_by_refs()
    }
    /// How many times a handle was cloned. A future that stores its waker for
    /// later clones it, so this is usually at least 1 after a `Pending`.
    pub fn clones(&self) -> u64 {
        self.clones.load(Ordering::SeqCst)
    }
    /// How many handles went away: dropped, or used up by `wake()`. The
    /// original handle counts too once you drop it.
    pub fn drops(&self) -> u64 {
        self.drops.load(Ordering::SeqCst)
    }
    /// Handles still alive right now: the original plus clones, minus drops.
    /// After a future completes and is dropped, a leak-free future leaves only
    /// the original (1).
    pub fn alive(&self) -> u64 {
        (1 + self.clones()).saturating_sub(self.drops())
    }
}

impl WakeHooks for WakeCounts {
    fn on_wake(&self, by_ref: bool) {
        let counter = if by_ref {
            &self.wake_by_refs
        } else {
            &self.wakes
        };
        counter.fetch_add(1, Ordering::SeqCst);
    }
    fn on_clone(&self) {
        self.clones.fetch_add(1, Ordering::SeqCst);
    }
    fn on_drop(&self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

/// A waker that counts wakes, clones and drops.
///
/// ```
/// use shared::wakers::counting_waker;
///
/// let (waker, counts) = counting_waker();
/// let stored = waker.clone(); // what a future does when it returns Pending
/// stored.wake(); // what the event source does later
/// assert_eq!((counts.clones(), counts.wakes(), counts.drops()), (1, 1, 1));
/// ```
pub fn counting_waker() -> (Waker, Arc<WakeCounts>) {
    let counts = Arc::new(WakeCounts::default());
    (hooked_waker(counts.clone()), counts)
}

/// The names of the threads a [`thread_recording_waker`] was woken from, in order.
#[derive(Debug, Default)]
pub struct WakeThreads {
    names: Mutex<Vec<String>>,
}

impl WakeThreads {
    /// Thread names (or `"<unnamed>"`) of every wake so far, oldest first.
    pub fn names(&self) -> Vec<String> {
        lock(&self.names).clone()
    }
}

impl WakeHooks for WakeThreads {
    fn on_wake(&self, _by_ref: bool) {
        lock(&self.names).push(current_thread_name());
    }
}

/// A waker that records which thread woke it.
///
/// Useful for exercises where a helper thread must do the waking:
///
/// ```
/// use shared::wakers::thread_recording_waker;
///
/// let (waker, threads) = thread_recording_waker();
/// std::thread::Builder::new()
///     .name("timer".into())
///     .spawn(move || waker.wake())
///     .unwrap()
///     .join()
///     .unwrap();
/// assert_eq!(threads.names(), ["timer"]);
/// ```
pub fn thread_recording_waker() -> (Waker, Arc<WakeThreads>) {
    let threads = Arc::new(WakeThreads::default());
    (hooked_waker(threads.clone()), threads)
}

/// A waker that does nothing when woken: for a poll whose wakes you ignore.
pub fn noop_waker() -> Waker {
    Waker::noop().clone()
}

/// The current thread's name, or `"<unnamed>"`.
pub(crate) fn current_thread_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("<unnamed>")
        .to_string()
}

/// Locks a mutex, ignoring poisoning: our counters stay meaningful even if a
/// test thread panicked while holding the lock.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
