//! Exercise 1 — a bounded pipeline: producer → worker → sink, with backpressure.
//!
//! A pipeline is a chain of stages joined by channels. The channels' capacity is what keeps it
//! honest: when the sink is slow, the buffers fill, `send().await` starts waiting, and the wait
//! travels back up the chain until the producer stops pulling new items. That is backpressure:
//! memory stays bounded by the capacities, whatever the speed of each stage.
//!
//! ## Your task
//!
//! Write [`pipeline`]. It has two stages, joined by a `tokio::sync::mpsc` channel of `capacity`:
//!
//! - the **producer** pulls items from `source`, one at a time, and sends each into the channel;
//! - the **worker** receives them in order, applies `work`, and sends each result into `out`
//!   (the sink's channel, made by the caller).
//!
//! It promises:
//!
//! - every result arrives in `out`, in source order; when the source is exhausted `out` is
//!   closed (dropped), so the sink's `recv` returns `None`;
//! - **backpressure**: the producer never runs more than the buffers allow ahead of the sink. At
//!   any moment, items pulled minus results received by the sink is at most
//!   `capacity + out's capacity + 2` (one item may be in each stage's hands);
//! - **buffering**: the stages run concurrently, so while the sink is slow the producer can
//!   still fill the channel between the stages (up to `capacity` items ahead of the worker);
//! - **no busy waiting**: a full channel is *waited on*, not retried in a loop;
//! - if the sink hangs up (drops its receiver), the pipeline stops soon and returns: it does
//!   not drain the rest of the source. The answer is how many results `out` accepted;
//! - both stages run inside the returned future (with `tokio::join!`, not `tokio::spawn`), so
//!   dropping that future stops them, and the source is dropped with it.
//!
//! `capacity` must be at least 1 (tokio's `mpsc::channel` panics on 0).

use tokio::sync::mpsc;

/// Runs a two-stage pipeline until the source is exhausted or the output is closed, and returns
/// how many results `out` accepted. See the module docs for the promises.
pub async fn pipeline<S, W>(source: S, capacity: usize, work: W, out: mpsc::Sender<u64>) -> usize
where
    S: IntoIterator<Item = u64>,
    W: FnMut(u64) -> u64,
{
    let _ = (source, capacity, work, out);
    todo!("a producer and a worker joined by mpsc::channel(capacity), run with tokio::join!")
}
