// Drifts off its schedule (the wrong moment in time): it sleeps gap after each send instead of until the next due instant, so one late wake-up pushes every later event back instead of being caught up.
//! Exercise 3 — broadcast to many subscribers, one of them slow.
//!
//! A `tokio::sync::broadcast` channel keeps the last `capacity` values in a ring that every
//! receiver reads at its own pace. The sender never waits for anyone: when the ring is full it
//! overwrites the oldest value. A receiver that fell behind by more than the ring holds learns
//! it on its next `recv`, as `Err(RecvError::Lagged(n))`: `n` values are gone for it, and its
//! next `recv` continues with the oldest value still kept. So one slow subscriber loses values
//! but never slows the publisher or the other subscribers down.

use std::future::Future;
use std::time::Duration;

use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::sleep;

/// What one subscriber saw: the events it handled, in order, and how many it missed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Every event handled, in the order received.
    pub seen: Vec<u64>,
    /// How many events were overwritten before this subscriber could read them.
    pub missed: u64,
}

/// Sends `events` on `tx`, the first at once and then one every `gap`, and returns how many
/// reached at least one subscriber. It never waits for subscribers, and keeps going when there
/// are none.
pub async fn publish(
    tx: broadcast::Sender<u64>,
    events: impl IntoIterator<Item = u64>,
    gap: Duration,
) -> usize {
    let mut reached = 0;
    for (i, event) in events.into_iter().enumerate() {
        // The first goes out at once, then one gap between each two.
        if i > 0 {
            sleep(gap).await;
        }
        // Err only means "nobody is subscribed right now": the event is dropped, not fatal.
        if tx.send(event).is_ok() {
            reached += 1;
        }
    }
    // `tx` is dropped here: once they have read what is left, subscribers see `Closed`.
    reached
}

/// Receives from `rx` until the channel is closed, calling `handle(event).await` for each
/// event, and reports what it saw. A lag is counted and survived, not fatal.
pub async fn subscriber<F, Fut>(mut rx: broadcast::Receiver<u64>, mut handle: F) -> Tally
where
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut tally = Tally::default();
    loop {
        match rx.recv().await {
            Ok(event) => {
                handle(event).await;
                tally.seen.push(event);
            }
            // `n` events were overwritten; the next recv gives the oldest one still kept.
            Err(RecvError::Lagged(n)) => tally.missed += n,
            // Every sender is gone and everything kept has been read.
            Err(RecvError::Closed) => return tally,
        }
    }
}
