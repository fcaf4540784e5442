//! Exercise 7 — `Fuse` and `FusedFuture`.
//!
//! Rule 1 says: once a future has returned `Ready`, don't poll it again. What happens if you do is
//! up to the future: most panic, some return nonsense, a few hang. Code that runs the same futures
//! round and round (`futures::select!` in a loop is the famous one) must know which of them are
//! finished. That is the [`FusedFuture`] trait: `is_terminated()` reports "I have completed", and
//! `select!` asks it and skips a terminated branch instead of polling it. `FusedFuture` promises
//! only that knowledge: `futures::future::Ready` is fused, and still panics if you poll it again.
//!
//! A `Fuse` promises more: polling it after completion is harmless too.
//!
//! ## Your task
//!
//! Implement [`Fuse`], which makes any future fused:
//!
//! * before completion it behaves exactly like the future it wraps;
//! * once the inner future returned `Ready`, the inner future is never polled again (rule 1),
//!   and polling the `Fuse` returns `Pending`, without panicking and without waking anyone;
//! * `is_terminated()` is `false` until the output has been returned, `true` from then on.
//!
//! After completion there is nothing left to wait for, so `Pending` without a wake is correct here:
//! it is the one place a `Pending` needs no wake (callers check `is_terminated` instead). A wake
//! would be worse than useless: it would ask for polls that can never lead anywhere.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::FusedFuture;

/// Wraps a future so that polling it after completion is harmless. Made by [`fuse`].
#[derive(Debug)]
pub struct Fuse<F> {
    // Replace this placeholder with your state (an `Option<F>` is all you need).
    _todo: PhantomData<F>,
}

/// Fuses `fut`: after its output has been returned, further polls return `Pending`.
pub fn fuse<F: Future + Unpin>(fut: F) -> Fuse<F> {
    drop(fut);
    todo!("wrap the future")
}

impl<F: Future + Unpin> Future for Fuse<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _ = cx;
        todo!("forward to the inner future until it is Ready; Pending forever after")
    }
}

impl<F: Future + Unpin> FusedFuture for Fuse<F> {
    fn is_terminated(&self) -> bool {
        todo!("has the output been returned?")
    }
}
