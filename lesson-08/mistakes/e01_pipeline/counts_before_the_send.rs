// Counts wrong (a resource count): a result is counted before out accepts it, so when the sink hangs up the one whose send failed is counted too and the answer is one more than out accepted.
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
pub async fn pipeline<S, W>(
    source: S,
    capacity: usize,
    mut work: W,
    out: mpsc::Sender<u64>,
) -> usize
where
    S: IntoIterator<Item = u64>,
    W: FnMut(u64) -> u64,
{
    let (tx, mut rx) = mpsc::channel(capacity);
    let produce = async move {
        for item in source {
            // Waits while the channel is full: this wait is the backpressure. An error means the
            // worker is gone, so pulling more items would be wasted work.
            if tx.send(item).await.is_err() {
                break;
            }
        }
        // `tx` is dropped here, which is how the worker learns the source is done.
    };
    let transform = async move {
        let mut delivered = 0;
        while let Some(item) = rx.recv().await {
            delivered += 1;
            if out.send(work(item)).await.is_err() {
                // The sink hung up: stop, and by dropping `rx` stop the producer too.
                break;
            }
        }
        delivered
    };
    // `join!` runs both stages on this task, interleaving at every `.await`.
    let ((), delivered) = tokio::join!(produce, transform);
    delivered
}
