// Rule 1 broken: a hand-written join that polls every lookup on every wake, also the ones that already returned Ready.
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
    poll_fn(|cx| {
        // Looks tidy: poll all three, keep what came back. But a finished lookup is polled again.
        if let Poll::Ready(r) = a.as_mut().poll(cx) {
            match r {
                Ok(v) => ra = Some(v),
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
        if let Poll::Ready(r) = b.as_mut().poll(cx) {
            match r {
                Ok(v) => rb = Some(v),
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
        if let Poll::Ready(r) = c.as_mut().poll(cx) {
            match r {
                Ok(v) => rc = Some(v),
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
        if ra.is_some() && rb.is_some() && rc.is_some() {
            Poll::Ready(Ok((ra.take().unwrap(), rb.take().unwrap(), rc.take().unwrap())))
        } else {
            Poll::Pending
        }
    })
    .await
}
