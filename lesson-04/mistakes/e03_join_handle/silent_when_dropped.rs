// Breaks "a handle never waits forever": a runnable dropped before it finished tells nobody, so its handle stays Pending with nothing left to wake it.
//! Exercise 3 — `JoinHandle`: getting a task's output out, through a one-shot slot.
//!
//! A spawned task runs on the executor; whoever spawned it holds a [`JoinHandle`]. The two share
//! one slot behind a mutex: the task puts its result there when it finishes and wakes the waker
//! that the handle left there when it was last polled. The handle takes the result out.
//!
//! [`with_handle`] splits a future into those two halves: the [`Runnable`] that an executor runs
//! (any executor: ours, tokio's) and the handle. The runnable also catches a panic of the future
//! and reports it as [`JoinError::Panicked`], and if it is dropped before it finished (an executor
//! shutting down) it reports [`JoinError::Cancelled`], so the handle can never wait forever.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

/// Why a task produced no output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinError {
    /// The task's future panicked; the panic's message, if it had one.
    Panicked(String),
    /// The task was dropped before it finished (its executor went away).
    Cancelled,
}

/// The half of a task that an executor runs: a future of `()` that stores `F`'s output.
pub struct Runnable<F: Future> {
    /// `None` once the output (or the panic) has been delivered.
    future: Option<Pin<Box<F>>>,
    slot: Arc<Mutex<Slot<F::Output>>>,
}

/// The half the spawner keeps: a future of the task's result.
pub struct JoinHandle<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

/// What the two halves share.
struct Slot<T> {
    result: Option<Result<T, JoinError>>,
    /// The waker of the handle's latest `Pending` poll.
    waker: Option<Waker>,
}

/// Splits `fut` into the part an executor runs and the handle that awaits its output.
pub fn with_handle<F: Future>(fut: F) -> (Runnable<F>, JoinHandle<F::Output>) {
    let slot = Arc::new(Mutex::new(Slot {
        result: None,
        waker: None,
    }));
    let runnable = Runnable {
        future: Some(Box::pin(fut)),
        slot: Arc::clone(&slot),
    };
    (runnable, JoinHandle { slot })
}

fn lock<T>(slot: &Mutex<Slot<T>>) -> MutexGuard<'_, Slot<T>> {
    slot.lock().unwrap_or_else(|p| p.into_inner())
}

/// Stores the result and wakes the handle. The waker is called after the lock is released, so a
/// handle polled at once on another thread does not have to wait for it.
fn deliver<T>(slot: &Mutex<Slot<T>>, result: Result<T, JoinError>) {
    let waker = {
        let mut slot = lock(slot);
        slot.result = Some(result);
        slot.waker.take()
    };
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// The message of a panic: `panic!("text")` carries a `&str`, `panic!("{x}")` a `String`.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

impl<F: Future> Future for Runnable<F> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let Some(future) = self.future.as_mut() else {
            return Poll::Ready(()); // delivered already
        };
        // A panic inside the task must not unwind into the executor; it becomes the result.
        let result = match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(output)) => Ok(output),
            Err(payload) => Err(JoinError::Panicked(panic_message(&*payload))),
        };
        self.future = None;
        deliver(&self.slot, result);
        Poll::Ready(())
    }
}



impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Check for the result and store the waker under one lock: a result delivered between
        // the two would otherwise find no waker, and the wake would be lost.
        let mut slot = lock(&self.slot);
        if let Some(result) = slot.result.take() {
            return Poll::Ready(result);
        }
        match &slot.waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => slot.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}
