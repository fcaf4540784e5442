// Breaks 'height is polled in the same call' (legal but wasteful): when width is Ready it wakes itself and returns Pending instead of polling height at once, so it needs one more poll than the async fn for nothing.
//! Exercise 4 — `.await`, desugared by hand.
//!
//! The compiler turns every `async fn` into a type that implements `Future`: an enum with one
//! variant per place the function can be suspended, holding whatever it needs to continue from
//! there. Here we write that enum ourselves for [`measure`], a two-step async fn.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The async fn to write by hand: await `width`, then `height`, then format both.
///
/// Note the local `w`: it is alive across the second `.await`, so the state machine must store it.
pub async fn measure<A, B>(width: A, height: B) -> String
where
    A: Future<Output = u32>,
    B: Future<Output = u32>,
{
    let w = width.await;
    let h = height.await;
    format!("{w}x{h}")
}

/// The state machine behind `measure(width, height)`, written by hand.
pub struct Measure<A, B> {
    state: State<A, B>,
}

/// One variant per suspension point, plus the end.
enum State<A, B> {
    /// Suspended at `width.await`. `height` is already an argument, so it is stored too.
    Width { width: A, height: B },
    /// Suspended at `height.await`, with `w` kept from the first step.
    Height { w: u32, height: B },
    /// Returned its output; must not be polled again (rule 1).
    Done,
}

impl<A, B> Measure<A, B>
where
    A: Future<Output = u32> + Unpin,
    B: Future<Output = u32> + Unpin,
{
    /// Like calling `measure(width, height)`: nothing runs until the first poll.
    pub fn new(width: A, height: B) -> Self {
        Self {
            state: State::Width { width, height },
        }
    }
}

impl<A, B> Future for Measure<A, B>
where
    A: Future<Output = u32> + Unpin,
    B: Future<Output = u32> + Unpin,
{
    type Output = String;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<String> {
        // A loop, because finishing one step must go straight on to the next in the same poll:
        // returning `Pending` now would need a wake nobody arranged (rule 2).
        loop {
            match &mut self.state {
                State::Width { width, .. } => {
                    // `.await` = poll; on `Pending`, return `Pending` to *our* caller. The child
                    // registered the wake with the same waker (it came in through `cx`).
                    let Poll::Ready(w) = Pin::new(width).poll(cx) else {
                        return Poll::Pending;
                    };
                    // Move `height` out of the old state and into the new one.
                    let State::Width { height, .. } =
                        std::mem::replace(&mut self.state, State::Done)
                    else {
                        unreachable!("we just matched State::Width")
                    };
                    self.state = State::Height { w, height };
                    // "Let the executor come back for the second step."
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                State::Height { w, height } => {
                    let Poll::Ready(h) = Pin::new(height).poll(cx) else {
                        return Poll::Pending;
                    };
                    let out = format!("{w}x{h}");
                    self.state = State::Done;
                    return Poll::Ready(out);
                }
                State::Done => panic!("Measure polled after completion (rule 1)"),
            }
        }
    }
}
