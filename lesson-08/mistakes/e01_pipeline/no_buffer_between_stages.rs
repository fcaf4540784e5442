// No buffering (legal but wasteful): the worker runs inline in the producer's loop, so the stages never overlap and the producer cannot run ahead of a slow sink by the capacity the caller asked for.
//! Exercise 1 — a bounded pipeline: producer → worker → sink, with backpressure.
//!
//! A pipeline is a chain of stages joined by channels. The channels' capacity is what keeps it
//! honest: when the sink is slow, the buffers fill, `send().await` starts waiting, and the wait
//! travels back up the chain until the producer stops pulling new items. That is backpressure:
//! memory stays bounded by the capacities, whatever the speed of each stage.

use tokio::sync::mpsc;

/// Runs a two-stage pipeline until the source is exhausted or the output is closed, and returns
/// how many results `out` accepted.
///
/// The producer pulls items from `source` and sends them into a channel of `capacity`; the
/// worker receives them, applies `work`, and sends the results into `out`. Both stages run
/// concurrently inside the returned future, so dropping it stops both.
pub async fn pipeline<S, W>(source: S, capacity: usize, mut work: W, out: mpsc::Sender<u64>) -> usize
where
    S: IntoIterator<Item = u64>,
    W: FnMut(u64) -> u64,
{
    let _ = capacity;
    let mut delivered = 0;
    for item in source {
        if out.send(work(item)).await.is_err() {
            break;
        }
        delivered += 1;
    }
    delivered

}
