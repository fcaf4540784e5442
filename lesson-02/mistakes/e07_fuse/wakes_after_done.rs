// Breaks 'a terminated Fuse wakes nobody' (legal but wasteful): after completion it wakes itself before each Pending, as if rule 2 applied, so a task that polls it keeps being re-polled for nothing.
//! Exercise 7 — `Fuse` and `FusedFuture`.
//!
//! Rule 1 says a future must not be polled after it returned `Ready`; what happens if it is, is up
//! to the future (most panic, some return nonsense). Code that polls futures in a loop, like
//! `futures::select!`, needs something stronger: a future that is *safe* to poll after completion
//! and can say that it has completed. That is [`FusedFuture`]: `is_terminated()` reports "done",
//! and a terminated future just returns `Pending` forever.
//!
//! [`Fuse`] turns any future into one.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::FusedFuture;

/// Wraps a future so that polling it after completion is harmless. Made by [`fuse`].
#[derive(Debug)]
pub struct Fuse<F> {
    /// `Some` while running; `None` once it has returned `Ready` (and the inner future is dropped,
    /// which also frees whatever it held as soon as possible).
    inner: Option<F>,
}

/// Fuses `fut`: after its output has been returned, further polls return `Pending`.
pub fn fuse<F: Future + Unpin>(fut: F) -> Fuse<F> {
    Fuse { inner: Some(fut) }
}

impl<F: Future + Unpin> Future for Fuse<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let Some(inner) = self.inner.as_mut() else {
            // "Rule 2: never return Pending without a wake."
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        match Pin::new(inner).poll(cx) {
            Poll::Ready(out) => {
                self.inner = None;
                Poll::Ready(out)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<F: Future + Unpin> FusedFuture for Fuse<F> {
    fn is_terminated(&self) -> bool {
        self.inner.is_none()
    }
}
