// Breaks rule 1 (no poll after Ready): polls both children on every call, including a child that already returned Ready.
//! Exercise 6 — `Join` (known-wrong variant: outputs kept, children re-polled).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs two futures concurrently and returns both outputs. Made by [`join`].
pub struct Join<A: Future, B: Future> {
    a: A,
    b: B,
    a_out: Option<A::Output>,
    b_out: Option<B::Output>,
}

/// Waits for both `a` and `b`, polling them concurrently; outputs come back as `(a, b)`.
pub fn join<A, B>(a: A, b: B) -> Join<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
    A::Output: Unpin,
    B::Output: Unpin,
{
    Join {
        a,
        b,
        a_out: None,
        b_out: None,
    }
}

impl<A, B> Future for Join<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
    A::Output: Unpin,
    B::Output: Unpin,
{
    type Output = (A::Output, B::Output);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        // The slip: no check whether a child already finished before polling it.
        if let Poll::Ready(out) = Pin::new(&mut this.a).poll(cx) {
            this.a_out = Some(out);
        }
        if let Poll::Ready(out) = Pin::new(&mut this.b).poll(cx) {
            this.b_out = Some(out);
        }
        if this.a_out.is_some() && this.b_out.is_some() {
            Poll::Ready((this.a_out.take().unwrap(), this.b_out.take().unwrap()))
        } else {
            Poll::Pending
        }
    }
}
