// All three started by the first poll broken (a moment in time): a hand-written join that starts one lookup on the first poll and wakes itself to start the other two on the next, so two lookups start late.
//! Exercise 1 — three lookups at once, failing fast.
//!
//! A page needs a user, their orders and their settings: three independent lookups. Awaiting them
//! one after the other adds their times up; joining them runs them side by side inside one task,
//! so the page waits only as long as the slowest. And if any lookup fails the page is lost anyway,
//! so there is no point waiting for the other two: return the error *at once* and drop them.
//! Dropping is the cancellation: a dropped lookup is never polled again, and whatever it held (a
//! connection, a buffer, a place in a queue) is released right then.
//!
//! ## Your task
//!
//! Write [`lookup_all`]. It promises:
//! - the three lookups run **concurrently**: all three are started by the first poll, and with no
//!   error the answer comes when the slowest one finishes, not after the sum of the three;
//! - `Ok((a, b, c))` when all three succeed;
//! - otherwise the **first error in time** (not the first in argument order), returned as soon as
//!   that lookup fails, without waiting for the others;
//! - by the time that error is returned the other lookups have been **dropped**;
//! - a lookup that already finished is never polled again (rule 1).
//!
//! The trade-off to know: fail-fast throws away work that may have succeeded. When partial
//! results are useful (show the orders even if settings failed), use a plain join and look at the
//! three results instead.

use std::future::{Future, poll_fn};
use std::task::Poll;

/// Runs `a`, `b` and `c` concurrently and returns all three values, or the first error as soon as
/// it happens (the other lookups are dropped by then).
pub async fn lookup_all<A, B, C, E>(
    a: impl Future<Output = Result<A, E>>,
    b: impl Future<Output = Result<B, E>>,
    c: impl Future<Output = Result<C, E>>,
) -> Result<(A, B, C), E> {
    let (mut a, mut b, mut c) = (Box::pin(a), Box::pin(b), Box::pin(c));
    let (mut ra, mut rb, mut rc) = (None, None, None);
    let mut started = false;
    poll_fn(move |cx| {
        if ra.is_none() {
            if let Poll::Ready(r) = a.as_mut().poll(cx) {
                ra = Some(r?);
            }
        }
        // "Be fair": the first poll starts only `a`, and comes straight back for the others.
        if !started {
            started = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        if rb.is_none() {
            if let Poll::Ready(r) = b.as_mut().poll(cx) {
                rb = Some(r?);
            }
        }
        if rc.is_none() {
            if let Poll::Ready(r) = c.as_mut().poll(cx) {
                rc = Some(r?);
            }
        }
        match (ra.take(), rb.take(), rc.take()) {
            (Some(x), Some(y), Some(z)) => Poll::Ready(Ok((x, y, z))),
            (x, y, z) => {
                (ra, rb, rc) = (x, y, z);
                Poll::Pending
            }
        }
    })
    .await
}
