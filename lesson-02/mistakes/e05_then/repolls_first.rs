// Breaks rule 1 (no poll after Ready): keeps the first future in a field and polls it again on every call, even after it returned Ready.
//! Exercise 5 — `Then` (known-wrong variant: flags instead of a state enum).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs `first`, then the future that `f` makes from its output. Made by [`then`].
pub struct Then<A, B, F> {
    first: A,
    f: Option<F>,
    second: Option<B>,
}

/// Chains `f` after `first`: `then(first, f).await` is `f(first.await).await`.
pub fn then<A, B, F>(first: A, f: F) -> Then<A, B, F>
where
    A: Future + Unpin,
    B: Future + Unpin,
    F: FnOnce(A::Output) -> B + Unpin,
{
    Then {
        first,
        f: Some(f),
        second: None,
    }
}

impl<A, B, F> Future for Then<A, B, F>
where
    A: Future + Unpin,
    B: Future + Unpin,
    F: FnOnce(A::Output) -> B + Unpin,
{
    type Output = B::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<B::Output> {
        let this = &mut *self;
        // The slip: `first` is polled on every call, not only until it is Ready.
        match Pin::new(&mut this.first).poll(cx) {
            Poll::Ready(value) => {
                if let Some(f) = this.f.take() {
                    this.second = Some(f(value));
                }
            }
            Poll::Pending => return Poll::Pending,
        }
        match this.second.as_mut() {
            Some(second) => match Pin::new(second).poll(cx) {
                Poll::Ready(out) => Poll::Ready(out),
                Poll::Pending => Poll::Pending,
            },
            None => panic!("Then polled after completion"),
        }
    }
}
