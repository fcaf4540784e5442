//! `Probe`: a spy around a child future, for testing combinators.
//!
//! A combinator (a future that polls other futures: `join`, `select`, a
//! timeout...) must follow rule 1: **once a child returned `Ready`, never poll
//! it again**. Many futures panic or misbehave if you do; some silently return
//! garbage. Wrap each child in a [`Probe`] and it will:
//!
//! - count how often it is polled ([`ProbeHandle::polls`]);
//! - remember whether it finished ([`ProbeHandle::is_ready`]) and whether it
//!   was dropped ([`ProbeHandle::is_dropped`]);
//! - panic with a clear rule-1 message if it is polled after `Ready`.
//!
//! The [`ProbeHandle`] stays with the test while the probe itself moves into
//! the combinator, so the test can ask questions afterwards.
//!
//! ```
//! use shared::Probe;
//! use shared::test_futures::ReadyAfter;
//!
//! let (child, handle) = Probe::new("left", ReadyAfter::new(2, 'L'));
//! assert_eq!(shared::block_on(child), 'L');
//! assert_eq!(handle.polls(), 3);
//! assert!(handle.is_ready());
//! assert!(handle.is_dropped()); // block_on dropped it after Ready
//! ```
//!
//! A probe is `Unpin` (the child is boxed), so a combinator can hold it in a
//! plain field and poll it with `Pin::new(&mut self.child)`.
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};

/// The counters shared by a probe and its handles.
#[derive(Debug, Default)]
struct Counters {
    polls: AtomicU64,
    ready: AtomicBool,
    dropped: AtomicBool,
}

/// Wraps a child future, counts its polls and panics if it is polled after
/// `Ready` (rule 1).
pub struct Probe<F> {
    name: String,
    inner: Pin<Box<F>>,
    counters: Arc<Counters>,
}

/// Read-only view of a [`Probe`]'s counters, usable after the probe was moved
/// into a combinator. Cheap to clone and safe to send between threads.
#[derive(Debug, Clone)]
pub struct ProbeHandle {
    counters: Arc<Counters>,
}

impl ProbeHandle {
    /// How many times the probe was polled.
    pub fn polls(&self) -> u64 {
        self.counters.polls.load(Ordering::SeqCst)
    }
    /// Whether the wrapped future has returned `Ready`.
    pub fn is_ready(&self) -> bool {
        self.counters.ready.load(Ordering::SeqCst)
    }
    /// Whether the probe (and with it the wrapped future) has been dropped.
    /// A combinator that finishes early (like `select`) should drop the
    /// children it no longer needs.
    pub fn is_dropped(&self) -> bool {
        self.counters.dropped.load(Ordering::SeqCst)
    }
}

impl<F: Future> Probe<F> {
    /// Wraps `fut`, naming it `name` in messages.
    pub fn new(name: &str, fut: F) -> (Self, ProbeHandle) {
        let counters = Arc::new(Counters::default());
        let probe = Self {
            name: name.to_string(),
            inner: Box::pin(fut),
            counters: counters.clone(),
        };
        (probe, ProbeHandle { counters })
    }
}

impl<F: Future> Future for Probe<F> {
    type Output = F::Output;

    /// # Panics
    ///
    /// If called again after the child returned `Ready` (rule 1).
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let poll = self.counters.polls.fetch_add(1, Ordering::SeqCst) + 1;
        if self.counters.ready.load(Ordering::SeqCst) {
            panic!(
                "rule 1 broken: {} was polled again after it returned Ready (poll #{poll}). A \
                 combinator must remember that a child finished and never poll it again.",
                self.name
            );
        }
        let result = self.inner.as_mut().poll(cx);
        if result.is_ready() {
            self.counters.ready.store(true, Ordering::SeqCst);
        }
        result
    }
}

impl<F> Drop for Probe<F> {
    fn drop(&mut self) {
        self.counters.dropped.store(true, Ordering::SeqCst);
    }
}

impl<F> std::fmt::Debug for Probe<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Probe")
            .field("name", &self.name)
            .field("counters", &self.counters)
            .finish_non_exhaustive()
    }
}
