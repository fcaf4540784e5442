//! Exercise 3 — `JoinHandle`: getting a task's output out, through a one-shot slot.
//!
//! A spawned task runs on the executor, but its output belongs to whoever spawned it. The bridge
//! is a small shared slot: the task puts its result there when it finishes and wakes the waker
//! that the handle left there; the handle, a future itself, takes the result out.
//!
//! [`with_handle`] splits a future into two halves: a [`Runnable`] (a future of `()`, what an
//! executor runs: ours, tokio's, any) and a [`JoinHandle`] (a future of the task's result).
//!
//! ## Your task
//!
//! * Polling the [`Runnable`] polls the task's future; when that is `Ready(output)`, the runnable
//!   stores `Ok(output)`, wakes the handle's latest waker and is `Ready(())` itself.
//! * [`JoinHandle`] is `Ready(result)` once the result is there (even if it arrived before the
//!   handle's first poll). Until then it keeps the waker of its latest poll and is `Pending`: it
//!   is woken by the task's completion, once, never polled in a loop.
//! * Dropping the handle early does not stop the task: it runs to the end, and its output is
//!   simply dropped.
//! * A panic in the task's future is caught (`std::panic::catch_unwind`) and reported as
//!   `Err(JoinError::Panicked(message))`, not passed on to the executor.
//! * A runnable dropped before its future finished (an executor shutting down) reports
//!   `Err(JoinError::Cancelled)`, so a handle never waits forever.
//!
//! ## Trade-offs
//!
//! Check "is the result there?" and store the waker under *one* lock. With two locks, a result
//! can be delivered between the check and the store, find no waker, and the handle sleeps
//! forever. Wake the waker after releasing the lock: the woken task may be polled on another
//! thread right away, and would otherwise wait for the lock. `catch_unwind` needs
//! `AssertUnwindSafe(|| ...)` around the poll: we promise not to look at the future again after
//! a panic, which is what makes that assertion true. Keep the future as `Pin<Box<F>>` so that
//! `Runnable` is `Unpin` whatever `F` is.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Why a task produced no output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinError {
    /// The task's future panicked; the panic's message (`&str` or `String` payload), if any.
    Panicked(String),
    /// The task was dropped before it finished (its executor went away).
    Cancelled,
}

/// The half of a task that an executor runs: a future of `()` that stores `F`'s output.
pub struct Runnable<F: Future> {
    // Replace this placeholder with the boxed future and the shared slot.
    _todo: std::marker::PhantomData<fn() -> F>,
}

/// The half the spawner keeps: a future of the task's result.
pub struct JoinHandle<T> {
    // Replace this placeholder with the shared slot.
    _todo: std::marker::PhantomData<fn() -> T>,
}

/// Splits `fut` into the part an executor runs and the handle that awaits its output.
pub fn with_handle<F: Future>(fut: F) -> (Runnable<F>, JoinHandle<F::Output>) {
    drop(fut);
    todo!("an Arc<Mutex<..>> slot (result + waker) shared by both halves")
}

impl<F: Future> Future for Runnable<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _ = cx;
        todo!("poll the future inside catch_unwind; on Ready or panic, store the result and wake")
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let _ = cx;
        todo!("under one lock: take the result if it is there, else keep the newest waker")
    }
}
