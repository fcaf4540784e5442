// Errors in the replicas' order broken (a bookkeeping slip): select_all reports a position in the shrinking list of replicas still running, and swap_remove moves the last one into the gap, so after the first removal the position no longer names the replica.
//! Exercise 5 — first success wins: race the replicas.
//!
//! The same data sits on several replicas. Asking all of them at once and taking the first good
//! answer hides a slow or broken one: the caller waits only for the fastest *healthy* replica. Two
//! details make it more than a `select!`: a replica that fails fast must not win the race (an
//! error just takes it out), and if every replica fails the caller deserves every reason, not only
//! the last. Once a winner is known the others are useless: drop them, so their connections and
//! buffers are freed at once.
//!
//! ## Your task
//!
//! Write [`first_ok`]. It promises:
//! - all replicas are started by the first poll (they race; this is not a failover that tries
//!   them one after another);
//! - the first `Ok` in time is returned as soon as it arrives; errors that came earlier do not
//!   stop the race;
//! - by the time it returns, every other replica has been **dropped**;
//! - if every replica fails: `Err(errors)` with one error per replica, **in the order the replicas
//!   were given** (`errors[i]` is replica `i`'s), returned when the last one fails;
//! - no replicas at all: `Err(vec![])` at once;
//! - a replica that finished is never polled again (rule 1).
//!
//! `futures::future::select_ok` is close, but keeps only the last error. `FuturesUnordered` (with
//! each replica's index carried alongside its result) gives you all of them.

use std::future::Future;

/// Races `replicas`: the first `Ok` wins and the others are dropped; if all fail, every error, in
/// the replicas' order.
pub async fn first_ok<T, E, F>(replicas: Vec<F>) -> Result<T, Vec<E>>
where
    F: Future<Output = Result<T, E>>,
{
    let n = replicas.len();
    if n == 0 {
        return Err(Vec::new());
    }
    let mut errors: Vec<Option<E>> = (0..n).map(|_| None).collect();
    let mut running: Vec<_> = replicas.into_iter().map(Box::pin).collect();
    loop {
        let (result, position, rest) = futures::future::select_all(running).await;
        match result {
            Ok(value) => return Ok(value),
            Err(e) => {
                // The slot at `position` may be taken already: use the next free one.
                let mut k = position;
                while errors[k].is_some() {
                    k += 1;
                }
                errors[k] = Some(e);
            }
        }
        if rest.is_empty() {
            return Err(errors.into_iter().flatten().collect());
        }
        running = rest;
    }
}
