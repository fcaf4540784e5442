// Breaks 'the second future is polled in the same poll call' (legal but wasteful): after calling the closure it wakes itself and returns Pending, so every Then costs one more poll than `f(first.await).await`.
//! Exercise 5 — `Then`: a combinator is a state machine too.
//!
//! `then(first, f)` runs `first`, hands its output to `f`, and runs the future `f` returns. It is
//! what `let x = first.await; f(x).await` compiles to, packaged as a reusable type, and the same
//! shape as `FutureExt::then` in the `futures` crate.
//!
//! Three states: running the first future (with the closure waiting beside it), running the
//! second, and done. Moving between them is where the bugs live: the closure must be called exactly
//! once, the first future must never be polled again once it returned `Ready` (rule 1), and a `Then`
//! polled after it finished should fail loudly instead of returning garbage.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs `first`, then the future that `f` makes from its output. Made by [`then`].
pub struct Then<A, B, F> {
    state: State<A, B, F>,
}

enum State<A, B, F> {
    /// Running `first`; the closure waits to be called once with its output.
    First(A, F),
    /// Running the future the closure returned.
    Second(B),
    /// Finished: polling again is a bug in the caller.
    Done,
}

/// Chains `f` after `first`: `then(first, f).await` is `f(first.await).await`.
pub fn then<A, B, F>(first: A, f: F) -> Then<A, B, F>
where
    A: Future + Unpin,
    B: Future + Unpin,
    F: FnOnce(A::Output) -> B + Unpin,
{
    Then {
        state: State::First(first, f),
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
        loop {
            match &mut self.state {
                State::First(first, _) => {
                    let Poll::Ready(value) = Pin::new(first).poll(cx) else {
                        return Poll::Pending;
                    };
                    // Take the closure by value (it is `FnOnce`): swap the whole state out. The
                    // first future is dropped here, so it cannot be polled again (rule 1).
                    let State::First(_, f) = std::mem::replace(&mut self.state, State::Done) else {
                        unreachable!("we just matched State::First")
                    };
                    self.state = State::Second(f(value));
                    // "Hand control back to the executor between the steps."
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                State::Second(second) => {
                    let Poll::Ready(out) = Pin::new(second).poll(cx) else {
                        return Poll::Pending;
                    };
                    self.state = State::Done;
                    return Poll::Ready(out);
                }
                State::Done => panic!("Then polled after completion (rule 1)"),
            }
        }
    }
}
