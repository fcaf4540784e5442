//! Exercise 5 — `Then`: a combinator is a state machine too.
//!
//! `then(first, f)` runs `first`, hands its output to the closure `f`, and runs the future `f`
//! returns. It is `let x = first.await; f(x).await` packaged as a reusable type (the `futures`
//! crate has it as `FutureExt::then`).
//!
//! ## Your task
//!
//! Implement [`Then`] as a three-state machine: running the first future (with the closure kept
//! beside it), running the second, done. Behaviour the tests check:
//!
//! * the output is the second future's output;
//! * the closure is called exactly once, and only after `first` is `Ready`;
//! * `first` is never polled again once it returned `Ready` (rule 1);
//! * when `first` finishes, the second future is polled right away in the same `poll` call: it
//!   must get the chance to register its own wake before you return `Pending` (rule 2), and a
//!   `Then` takes exactly as many polls as `f(first.await).await` would;
//! * polling a `Then` again after it returned `Ready` panics with a message containing
//!   `"polled after completion"`. A clear panic beats returning garbage or hanging.
//!
//! `F` is `FnOnce`, so calling it consumes it: you need to *own* it at that moment, while `poll`
//! only has `&mut` to your state.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs `first`, then the future that `f` makes from its output. Made by [`then`].
pub struct Then<A, B, F> {
    // Replace this placeholder with `state: State<A, B, F>`, an enum you write.
    _todo: PhantomData<(A, B, F)>,
}

/// Chains `f` after `first`: `then(first, f).await` is `f(first.await).await`.
pub fn then<A, B, F>(first: A, f: F) -> Then<A, B, F>
where
    A: Future + Unpin,
    B: Future + Unpin,
    F: FnOnce(A::Output) -> B + Unpin,
{
    let _ = (first, f);
    todo!("start in the First state")
}

impl<A, B, F> Future for Then<A, B, F>
where
    A: Future + Unpin,
    B: Future + Unpin,
    F: FnOnce(A::Output) -> B + Unpin,
{
    type Output = B::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<B::Output> {
        let _ = cx;
        todo!("First -> Second -> Done, calling the closure once on the way")
    }
}
