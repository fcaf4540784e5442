// Busy waiting (legal but wasteful): on a full channel the producer retries try_send after yield_now instead of awaiting send, so it spins while the sink is slow and (under paused time) the clock never moves.
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
    let (tx, mut rx) = mpsc::channel(capacity);
    let produce = async move {
        for item in source {
            // Waits while the channel is full: this wait is the backpressure. An error means the
            // worker is gone, so pulling more items would be wasted work.
            let mut item = item;
            loop {
                match tx.try_send(item) {
                    Ok(()) => break,
                    Err(mpsc::error::TrySendError::Full(back)) => {
                        item = back;
                        tokio::task::yield_now().await;
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => return,
                }
            }

        }
        // `tx` is dropped here, which is how the worker learns the source is done.
    };
    let transform = async move {
        let mut delivered = 0;
        while let Some(item) = rx.recv().await {
            if out.send(work(item)).await.is_err() {
                // The sink hung up: stop, and by dropping `rx` stop the producer too.
                break;
            }
            delivered += 1;
        }
        delivered
    };
    // `join!` runs both stages on this task, interleaving at every `.await`.
    let ((), delivered) = tokio::join!(produce, transform);
    delivered
}
