// Legal but wasteful (one timer, not a ticking clock): the threshold is counted in 1 ms steps, a new sleep per step, so attempt 1 is polled on every tick instead of only when it wakes.
//! Exercise 6 — hedged requests: ask again if the first answer is slow.
//!
//! Most requests are quick; a few are stuck behind a slow disk or a busy server. A timeout that
//! cancels and retries throws the slow request's progress away, and the retry may be just as
//! slow. A *hedge* keeps the first attempt running and starts a second beside it once the first
//! is slower than usual (say the 95th percentile): whichever answers first wins, and the other is
//! dropped. The cost is bounded: only the slow few pay a second request.
//!
//! ## Your task
//!
//! Write [`hedged`]. It promises:
//! - attempt 1 (`attempt(1)`) starts at once, when `hedged` starts (its first poll);
//! - if it finishes within `after`, its answer is returned and **no second attempt is made**
//!   (`attempt` is called once). An answer ready exactly at `after` still counts as in time;
//! - otherwise attempt 2 (`attempt(2)`) is made exactly `after` after the start, while attempt 1
//!   **keeps running** (it is not cancelled nor restarted);
//! - from then on the first of the two to finish is the answer (a tie goes to attempt 1), and the
//!   other is **dropped** by the time `hedged` returns;
//! - while waiting, `hedged` sleeps: one timer for the threshold, not a clock ticking in small
//!   steps, so attempt 1 is polled again only when something happened (about once per wake).
//!
//! Trade-off: a hedge doubles the load for the slow requests only; hedging at once (two requests
//! every time) doubles it always, and a hedge after too short a threshold comes close to that.

use std::future::Future;
use std::time::Duration;

/// Runs `attempt(1)`; if it is not done after `after`, also runs `attempt(2)`, and returns the
/// first answer of the two (the other is dropped).
pub async fn hedged<F, Fut>(mut attempt: F, after: Duration) -> Fut::Output
where
    F: FnMut(u32) -> Fut,
    Fut: Future,
{
    let mut first = Box::pin(attempt(1));
    let step = Duration::from_millis(1);
    let mut waited = Duration::ZERO;
    // A timer per step instead of one for the threshold: every step polls attempt 1 again.
    while waited < after {
        tokio::select! {
            biased;
            out = first.as_mut() => return out,
            () = tokio::time::sleep(step) => waited += step,
        }
    }
    let second = attempt(2);
    tokio::select! {
        biased;
        out = first.as_mut() => out,
        out = second => out,
    }
}
