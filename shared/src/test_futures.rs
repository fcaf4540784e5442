//! Ready-made futures for tests and exercises.
//!
//! Each one behaves in one simple, well-known way, so a test can use it as a
//! building block (a child for a combinator, an event source, a "this never
//! happens") and know exactly what to expect:
//!
//! | future | polls | wakes |
//! |---|---|---|
//! | [`ReadyAfter::new(n, v)`](ReadyAfter) | `n` × `Pending`, then `Ready(v)` | itself, during each `Pending` poll |
//! | [`PendingForever`] | always `Pending` | never (on purpose) |
//! | [`YieldOnce`] | `Pending` once, then `Ready(())` | itself, once |
//! | [`WakeFromThread::new(d, v)`](WakeFromThread) | `Pending` until a thread fires after `d` | from thread `"wake-from-thread"` |
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::wakers::lock;

/// `Pending` `n` times (waking itself each time), then `Ready(value)`.
///
/// Waking itself before returning `Pending` is the simplest way to keep
/// rule 2: "poll me again as soon as you can".
///
/// ```
/// use shared::Harness;
/// use shared::test_futures::ReadyAfter;
///
/// let run = Harness::new().block_on(ReadyAfter::new(3, "go"));
/// assert_eq!((run.output, run.polls, run.wakes), ("go", 4, 3));
/// ```
#[derive(Debug)]
pub struct ReadyAfter<T> {
    pendings_left: u32,
    value: Option<T>,
}

impl<T> ReadyAfter<T> {
    /// Ready on poll `pendings + 1`.
    pub fn new(pendings: u32, value: T) -> Self {
        Self {
            pendings_left: pendings,
            value: Some(value),
        }
    }
}

impl<T: Unpin> Future for ReadyAfter<T> {
    type Output = T;

    /// # Panics
    ///
    /// If polled again after `Ready` (rule 1).
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if self.pendings_left > 0 {
            self.pendings_left -= 1;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        match self.value.take() {
            Some(value) => Poll::Ready(value),
            None => panic!("rule 1 broken: ReadyAfter was polled again after it returned Ready"),
        }
    }
}

/// Always `Pending`, never wakes: a stand-in for "something that never
/// happens", e.g. the losing side of a `select` or a timeout test.
#[derive(Debug, Default)]
pub struct PendingForever;

impl Future for PendingForever {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

/// `Pending` once (waking itself), then `Ready(())`: gives other tasks a turn.
///
/// ```
/// use shared::test_futures::YieldOnce;
///
/// let run = shared::Harness::new().block_on(YieldOnce::default());
/// assert_eq!((run.polls, run.wakes), (2, 1));
/// ```
#[derive(Debug, Default)]
pub struct YieldOnce {
    yielded: bool,
}

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// `Ready(value)` once a helper thread, started on the first poll, wakes it
/// after `delay`.
///
/// This is the shape of every real event source: something outside the
/// future (here a thread named `"wake-from-thread"`) finishes later and calls
/// the waker. Two details make it correct:
///
/// - the waker lives in a shared `Arc<Mutex<Option<Waker>>>` that **every**
///   poll refreshes, so the thread always wakes the newest waker;
/// - the thread sets `fired` *before* it takes the waker, under the same
///   lock the poll uses, so a poll either sees `fired` or leaves a waker the
///   thread will find. Either way no wake is lost.
///
/// ```
/// use std::time::Duration;
/// use shared::Harness;
/// use shared::test_futures::WakeFromThread;
///
/// let run = Harness::new().block_on(WakeFromThread::new(Duration::from_millis(2), 'x'));
/// assert_eq!(run.output, 'x');
/// assert_eq!(run.timeline.wake_threads(), ["wake-from-thread"]);
/// ```
#[derive(Debug)]
pub struct WakeFromThread<T> {
    delay: Duration,
    value: Option<T>,
    shared: Option<Arc<Shared>>,
}

/// State shared with the helper thread.
#[derive(Debug, Default)]
struct Shared {
    fired: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl<T> WakeFromThread<T> {
    /// One thread, started on first poll, sleeps `delay` then wakes the
    /// latest waker.
    pub fn new(delay: Duration, value: T) -> Self {
        Self {
            delay,
            value: Some(value),
            shared: None,
        }
    }
}

impl<T: Unpin> Future for WakeFromThread<T> {
    type Output = T;

    /// # Panics
    ///
    /// If polled again after `Ready` (rule 1).
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let shared = match &self.shared {
            Some(shared) => shared.clone(),
            None => {
                let shared = Arc::new(Shared::default());
                *lock(&shared.waker) = Some(cx.waker().clone());
                let delay = self.delay;
                let theirs = shared.clone();
                std::thread::Builder::new()
                    .name("wake-from-thread".into())
                    .spawn(move || {
                        std::thread::sleep(delay);
                        let waker = {
                            let mut slot = lock(&theirs.waker);
                            theirs.fired.store(true, Ordering::SeqCst);
                            slot.take()
                        };
                        if let Some(waker) = waker {
                            waker.wake();
                        }
                    })
                    .expect("could not start the wake-from-thread helper thread");
                self.shared = Some(shared);
                return Poll::Pending;
            }
        };
        let mut slot = lock(&shared.waker);
        if shared.fired.load(Ordering::SeqCst) {
            drop(slot);
            return match self.value.take() {
                Some(value) => Poll::Ready(value),
                None => {
                    panic!("rule 1 broken: WakeFromThread was polled again after it returned Ready")
                }
            };
        }
        // Not yet: make sure the thread will wake *this* poll's waker.
        match slot.as_mut() {
            Some(stored) => stored.clone_from(cx.waker()),
            None => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}
