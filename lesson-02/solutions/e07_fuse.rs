//! Exercise 7 — `Fuse` and `FusedFuture`.
//!
//! Rule 1 says a future must not be polled after it returned `Ready`; what happens if it is, is up
//! to the future (most panic, some return nonsense). Code that runs futures round and round, like
//! `futures::select!` in a loop, must know which ones are finished: that is [`FusedFuture`].
//! `is_terminated()` reports "completed", and `select!` skips a terminated branch instead of
//! polling it. The trait promises nothing about one more poll (`futures::future::Ready` is fused
//! and panics if polled again).
//!
//! [`Fuse`] turns any future into a fused one that is also harmless to poll after completion: it
//! answers `Pending` and wakes nobody.

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
            // Terminated: never touch the inner future again. No wake is arranged, on purpose:
            // nothing will ever happen here, and callers check `is_terminated` instead.
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
