//! Exercise 4 — `yield_now`, and staying fair by yielding.
//!
//! An executor polls one task at a time, and nothing can interrupt a poll: a task that never
//! returns `Pending` keeps the thread for as long as it likes, and every other task waits. The
//! polite way to let them run is to *yield*: wake your own task, return `Pending` once, and let
//! the executor put you at the back of the run queue, behind everyone who was already waiting.
//! When your turn comes round again, you carry on where you were.
//!
//! ## Your task
//!
//! * [`yield_now`] returns a future that, on its first poll, wakes its own task (in that same
//!   poll call) and returns `Pending`; on its second poll it is `Ready(())`. Exactly one `Pending`.
//!   On a first-in, first-out executor, two tasks that yield in a loop take turns.
//! * [`sum_politely`] adds up `items` and yields once after every `every` items (after item
//!   `every`, `2 * every`, ...): fair to other tasks, but without paying one yield (a poll, a trip
//!   through the queue) per item. `every` is at least 1.
//!
//! ## Trade-offs
//!
//! A yield is cheap but not free: a wake, a queue push, another poll. Yield too often and the
//! task spends its time queueing; too rarely and the others stall. Runtimes meet in the middle:
//! tokio gives each task a *budget* of operations per poll and makes its own futures return
//! `Pending` when it runs out (see the README). Note that tokio's own `yield_now` defers its wake
//! until the runtime has looked for I/O and timers; ours wakes at once, which is all a simple
//! executor needs.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that is `Pending` once (after waking its own task) and then `Ready`.
#[derive(Debug, Default)]
pub struct YieldNow {
    // Replace this placeholder with what the future needs to remember.
    _todo: (),
}

/// Gives other tasks a turn: the task goes to the back of the run queue and carries on when
/// polled again.
pub fn yield_now() -> YieldNow {
    todo!("a YieldNow that has not yielded yet")
}

impl Future for YieldNow {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _ = cx;
        todo!("first poll: wake yourself and return Pending; second poll: Ready")
    }
}

/// Adds up `items`, yielding once after every `every` items (after item `every`, `2 * every`,
/// ...), so that a long sum leaves room for other tasks. `every` must be at least 1.
pub async fn sum_politely<I: IntoIterator<Item = u64>>(items: I, every: usize) -> u64 {
    let _ = (items.into_iter(), every);
    todo!("sum the items; after each `every`-th one, yield_now().await")
}
