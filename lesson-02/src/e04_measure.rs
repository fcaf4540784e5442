//! Exercise 4 — `.await`, desugared by hand.
//!
//! The compiler turns every `async fn` into an anonymous type that implements `Future`: an enum
//! with an "unresumed" variant holding the arguments (nothing has run yet), one variant per point
//! where the function can be suspended (each `.await`), holding what the function needs to carry
//! on from there (every local variable still alive at that point), and a final "returned" variant. Each `.await` becomes: poll the inner future;
//! if it is `Pending`, return `Pending` to *our* caller; if it is `Ready`, carry on running.
//!
//! ## Your task
//!
//! Write that type by hand for [`measure`] (given below, don't change it): a struct [`Measure`] with
//! a private state enum you design, such that `Measure::new(w, h)` behaves exactly like
//! `measure(w, h)`: same output, same number of polls, and the same polls of its two children.
//!
//! Ask yourself, for each `.await`: what must be stored while we are suspended here? (Hint: `w` is
//! a local that is still needed after the second `.await`.)
//!
//! Two details decide whether yours matches the compiler's:
//!
//! * when `width` becomes `Ready`, the async fn does not return; it goes straight on to poll
//!   `height` *in the same call*. If you return `Pending` there instead, nothing has arranged a
//!   wake (rule 2) and the future stalls;
//! * `height` is not polled at all until `width` is done: `.await` runs one step at a time.
//!
//! The tests compare your `Measure` with `measure` poll for poll, so a detour (an extra `Pending`
//! with a self-wake between the steps) shows up as one poll too many.

use std::future::Future;
use std::marker::PhantomData;
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
    // Replace this placeholder with `state: State<A, B>`, an enum you write (one variant per
    // `.await`, plus one for "done").
    _todo: PhantomData<(A, B)>,
}

impl<A, B> Measure<A, B>
where
    A: Future<Output = u32> + Unpin,
    B: Future<Output = u32> + Unpin,
{
    /// Like calling `measure(width, height)`: nothing runs until the first poll.
    pub fn new(width: A, height: B) -> Self {
        let _ = (width, height);
        todo!("start in the state 'suspended at width.await'")
    }
}

impl<A, B> Future for Measure<A, B>
where
    A: Future<Output = u32> + Unpin,
    B: Future<Output = u32> + Unpin,
{
    type Output = String;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<String> {
        let _ = cx;
        todo!("a loop over a match on the state: poll the current child, move on when Ready")
    }
}
