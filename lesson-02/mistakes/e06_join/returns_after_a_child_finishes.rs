// Breaks rule 2 (arrange a wake before Pending) at a moment in time: when the left child finishes it returns Pending at once without polling the right one in that call, so nothing was arranged to wake the task.
//! Exercise 6 — `Join`: two futures at once.
//!
//! `join(a, b)` polls both children whenever it is polled and completes when both have. Because
//! both children get the same `Context`, whichever of them is woken wakes the whole `Join`, which
//! then polls the children again. That is all concurrency is in async Rust: one task, one waker,
//! several futures polled in turn.
//!
//! The two things to get right: a child that has finished must not be polled again (rule 1), and
//! its output must be kept somewhere until the other child finishes too.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// One side of a join: still running, finished with its output parked, or output handed over.
enum Side<F: Future> {
    Running(F),
    Finished(F::Output),
    Taken,
}

impl<F> Side<F>
where
    F: Future + Unpin,
    F::Output: Unpin,
{
    /// Polls the child if it is still running. Returns whether this side is finished.
    fn poll_side(&mut self, cx: &mut Context<'_>) -> bool {
        match self {
            Side::Running(fut) => match Pin::new(fut).poll(cx) {
                Poll::Ready(out) => {
                    // Dropping the child here also guarantees it is never polled again.
                    *self = Side::Finished(out);
                    true
                }
                Poll::Pending => false,
            },
            Side::Finished(_) => true,
            Side::Taken => panic!("Join polled after completion (rule 1)"),
        }
    }

    fn take(&mut self) -> F::Output {
        match std::mem::replace(self, Side::Taken) {
            Side::Finished(out) => out,
            _ => unreachable!("take() is only called once both sides are finished"),
        }
    }
}

/// Runs two futures concurrently and returns both outputs. Made by [`join`].
pub struct Join<A: Future, B: Future> {
    a: Side<A>,
    b: Side<B>,
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
        a: Side::Running(a),
        b: Side::Running(b),
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
        // Poll *both* every time (no early return after `a`), or `b` would never register a wake
        // while `a` is pending and the two would run one after the other.
        let a_was_running = matches!(self.a, Side::Running(_));
        let a_done = self.a.poll_side(cx);
        if a_was_running && a_done {
            // "Left just finished: store its output and come back for the right one."
            return Poll::Pending;
        }
        let b_done = self.b.poll_side(cx);
        if a_done && b_done {
            Poll::Ready((self.a.take(), self.b.take()))
        } else {
            // Every child still running returned `Pending` and so arranged its own wake (rule 2).
            Poll::Pending
        }
    }
}
