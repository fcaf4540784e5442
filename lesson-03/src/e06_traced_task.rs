//! # Exercise 6 — watch the runtime drive your future
//!
//! In lesson 02 you were the executor: you called `poll`, you made the wakers. Inside Tokio both
//! jobs belong to the scheduler, and the only way to see them is to stand in between. [`Traced`]
//! wraps any future and writes down, in a shared [`TraceLog`]:
//!
//! * every `poll` — how many, and on which thread the scheduler ran it;
//! * every *wake* — on which thread `wake` was called. That takes a waker of our own: on each poll,
//!   `Traced` wraps the waker Tokio passed in (`cx.waker()`) in a small type that records the wake
//!   and then passes it on to Tokio's waker. (A waker that records but does not pass the wake on is
//!   a lost wakeup: the task is never scheduled again.)
//!
//! `std::task::Wake` turns an `Arc<YourType>` into a `Waker` with no unsafe code: implement
//! `wake(self: Arc<Self>)` (and `wake_by_ref`, which avoids consuming the `Arc`), then
//! `Waker::from(arc)`.
//!
//! Your task: write [`traced`], the `Future` impl of [`Traced`], and the waker type it needs.
//! [`TraceLog`] is given; its `record_*` methods are yours to call.
//!
//! What you will see: a timer is woken by the thread that drives the timer wheel, a channel by the
//! thread that sent on it, `yield_now` by the scheduler itself — and Tokio polls only after a wake.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// The name of the current thread, or `"<unnamed>"`.
pub fn current_thread_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("<unnamed>")
        .to_string()
}

/// What a [`Traced`] future saw. Shared (`Arc`) between the future and whoever wants to look.
#[derive(Debug, Default)]
pub struct TraceLog {
    polls: AtomicU64,
    ready: AtomicBool,
    poll_threads: Mutex<Vec<String>>,
    wake_threads: Mutex<Vec<String>>,
}

impl TraceLog {
    /// How many times the future was polled.
    pub fn polls(&self) -> u64 {
        self.polls.load(Ordering::SeqCst)
    }

    /// Whether the future has returned `Ready`.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    /// The thread of every poll, in order.
    pub fn poll_threads(&self) -> Vec<String> {
        self.poll_threads.lock().unwrap().clone()
    }

    /// The thread of every wake (by value or by reference), in order.
    pub fn wake_threads(&self) -> Vec<String> {
        self.wake_threads.lock().unwrap().clone()
    }

    /// Records one poll, made on the current thread (for [`Traced`] to call).
    pub fn record_poll(&self) {
        self.polls.fetch_add(1, Ordering::SeqCst);
        self.poll_threads
            .lock()
            .unwrap()
            .push(current_thread_name());
    }

    /// Records one wake, made on the current thread (for the waker [`Traced`] installs).
    pub fn record_wake(&self) {
        self.wake_threads
            .lock()
            .unwrap()
            .push(current_thread_name());
    }

    /// Records that the future returned `Ready` (for [`Traced`] to call).
    pub fn record_ready(&self) {
        self.ready.store(true, Ordering::SeqCst);
    }
}

/// A future that behaves exactly like the one it wraps, while recording polls and wakes in a
/// [`TraceLog`].
pub struct Traced<F> {
    // Boxed so that `Traced` is `Unpin` whatever `F` is (pinning in place comes in a later lesson).
    // You may add fields.
    inner: Pin<Box<F>>,
    log: Arc<TraceLog>,
}

/// Wraps `fut`; returns the wrapper and the log it writes to.
pub fn traced<F: Future>(fut: F) -> (Traced<F>, Arc<TraceLog>) {
    drop(fut);
    todo!("box-pin the future, make an Arc<TraceLog>, keep one clone in the wrapper")
}

impl<F: Future> Future for Traced<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // Record the poll, poll `inner` with a waker that records wakes and forwards them to
        // `cx.waker()`, and record `Ready`.
        let _ = (&self.inner, &self.log, cx);
        todo!()
    }
}
