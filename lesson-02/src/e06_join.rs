//! Exercise 6 — `Join`: two futures at once.
//!
//! `join(a, b)` completes when both `a` and `b` have, and returns both outputs. It runs them
//! *concurrently* on one task: each time the `Join` is polled, it polls every child that is not
//! finished yet, passing its own `Context` down. Whichever child is woken wakes the whole task, and
//! the `Join` polls again. That is all concurrency is in async Rust: one task, one waker, several
//! futures polled in turn.
//!
//! ## Your task
//!
//! Implement [`Join`]:
//!
//! * each poll, poll every child that has not finished. Both of them, every time: if you return
//!   early while `a` is pending, `b` never gets the chance to start or register a wake;
//! * a child that returned `Ready` is never polled again (rule 1): keep its output instead, until
//!   the other child is done too. Children may finish in either order;
//! * when both are done, return `Ready((a_output, b_output))`.
//!
//! A small enum per side (still running / finished with its output / output handed over) keeps
//! this tidy.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs two futures concurrently and returns both outputs. Made by [`join`].
pub struct Join<A: Future, B: Future> {
    // Replace this placeholder with one field per side.
    _todo: PhantomData<(A, B)>,
}

/// Waits for both `a` and `b`, polling them concurrently; outputs come back as `(a, b)`.
pub fn join<A, B>(a: A, b: B) -> Join<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
    A::Output: Unpin,
    B::Output: Unpin,
{
    let _ = (a, b);
    todo!("both sides start out running")
}

impl<A, B> Future for Join<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
    A::Output: Unpin,
    B::Output: Unpin,
{
    type Output = (A::Output, B::Output);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let _ = cx;
        todo!("poll each unfinished side; Ready once both have outputs")
    }
}
