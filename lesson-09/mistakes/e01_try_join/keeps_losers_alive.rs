// Cancellation missing: the error is returned at once, but the other lookups are handed to a spawned task that keeps them alive until they finish on their own.
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

use std::future::Future;

/// Runs `a`, `b` and `c` concurrently and returns all three values, or the first error as soon as
/// it happens (the other lookups are dropped by then).
pub async fn lookup_all<A: Send + 'static, B: Send + 'static, C: Send + 'static, E: Send + 'static>(
    a: impl Future<Output = Result<A, E>> + Send + 'static,
    b: impl Future<Output = Result<B, E>> + Send + 'static,
    c: impl Future<Output = Result<C, E>> + Send + 'static,
) -> Result<(A, B, C), E> {
    let a = tokio::spawn(a);
    let b = tokio::spawn(b);
    let c = tokio::spawn(c);
    // Awaiting a JoinHandle does not own the task: dropping the handle detaches it, it does not
    // cancel it. Returning early leaves the other lookups running in the background.
    let out = tokio::try_join!(
        async { a.await.expect("lookup a panicked") },
        async { b.await.expect("lookup b panicked") },
        async { c.await.expect("lookup c panicked") },
    );
    out
}
