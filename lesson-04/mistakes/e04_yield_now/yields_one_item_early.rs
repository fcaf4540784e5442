// Breaks "yield after item every, 2 * every, ..." (off by one, a moment in time): the sum yields after items 1, every + 1, ..., one yield too many when the length is not a multiple of every.
//! Exercise 4 — `yield_now`, and staying fair by yielding.
//!
//! A task that never returns `Pending` keeps its thread: an executor polls one task at a time,
//! and nothing can interrupt a poll. `yield_now` is the polite way out: wake yourself, return
//! `Pending` once, and the executor puts you at the back of the queue, behind everyone who was
//! waiting. On the next poll you carry on.
//!
//! [`sum_politely`] is a long-running task that stays fair that way: it yields after every
//! `every` items, so other tasks get turns, without paying a yield (and a poll) per item.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that is `Pending` once (after waking its own task) and then `Ready`.
#[derive(Debug, Default)]
pub struct YieldNow {
    yielded: bool,
}

/// Gives other tasks a turn: the task goes to the back of the run queue and carries on when
/// polled again.
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // Nothing else will wake us: we ask for the next poll ourselves, in this very call.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Adds up `items`, yielding once after every `every` items (after item `every`, `2 * every`,
/// ...), so that a long sum leaves room for other tasks. `every` must be at least 1.
pub async fn sum_politely<I: IntoIterator<Item = u64>>(items: I, every: usize) -> u64 {
    let mut sum = 0;
    for (n, item) in items.into_iter().enumerate() {
        sum += item;
        if n % every == 0 {
            yield_now().await;
        }
    }
    sum
}
