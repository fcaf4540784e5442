// Breaks rule 1 (no poll after Ready): remembers that it finished but still forwards every poll to the inner future.
//! Exercise 7 — `Fuse` (known-wrong variant: a done flag that guards nothing).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::FusedFuture;

/// Wraps a future so that polling it after completion is harmless. Made by [`fuse`].
#[derive(Debug)]
pub struct Fuse<F> {
    inner: F,
    done: bool,
}

/// Fuses `fut`: after its output has been returned, further polls return `Pending`.
pub fn fuse<F: Future + Unpin>(fut: F) -> Fuse<F> {
    Fuse {
        inner: fut,
        done: false,
    }
}

impl<F: Future + Unpin> Future for Fuse<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // The slip: "a finished future will just say Pending again" -- it may not.
        match Pin::new(&mut self.inner).poll(cx) {
            Poll::Ready(out) => {
                self.done = true;
                Poll::Ready(out)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<F: Future + Unpin> FusedFuture for Fuse<F> {
    fn is_terminated(&self) -> bool {
        self.done
    }
}
