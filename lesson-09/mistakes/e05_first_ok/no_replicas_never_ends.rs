// No replicas is Err(vec![]) at once broken: the loop returns the errors only after the n-th failure, so with no replicas at all it never returns (and select_next_some on an empty set is not an answer).
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

use futures::StreamExt;
use futures::stream::FuturesUnordered;

/// Races `replicas`: the first `Ok` wins and the others are dropped; if all fail, every error, in
/// the replicas' order.
pub async fn first_ok<T, E, F>(replicas: Vec<F>) -> Result<T, Vec<E>>
where
    F: Future<Output = Result<T, E>>,
{
    let n = replicas.len();
    let mut racing: FuturesUnordered<_> = replicas
        .into_iter()
        .enumerate()
        .map(|(i, replica)| async move { (i, replica.await) })
        .collect();
    let mut errors: Vec<Option<E>> = (0..n).map(|_| None).collect();
    let mut failed = 0;
    loop {
        let (i, result) = racing.select_next_some().await;
        match result {
            Ok(value) => return Ok(value),
            Err(e) => {
                errors[i] = Some(e);
                failed += 1;
                if failed == n {
                    return Err(errors.into_iter().flatten().collect());
                }
            }
        }
    }
}
