// Busy waiting (legal but wasteful): the subscriber polls try_recv and sleeps a millisecond when it is empty, so an idle subscriber wakes a thousand times a second instead of awaiting recv.
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

use tokio::sync::broadcast::{self, error::TryRecvError};
use tokio::time::{Instant, sleep, sleep_until};

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
    let mut next = Instant::now();
    for event in events {
        sleep_until(next).await;
        // Err only means "nobody is subscribed right now": the event is dropped, not fatal.
        if tx.send(event).is_ok() {
            reached += 1;
        }
        next += gap;
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
        match rx.try_recv() {
            Ok(event) => {
                handle(event).await;
                tally.seen.push(event);
            }
            // `n` events were overwritten; the next recv gives the oldest one still kept.
            Err(TryRecvError::Lagged(n)) => tally.missed += n,
            // Nothing yet: look again in a millisecond.
            Err(TryRecvError::Empty) => sleep(Duration::from_millis(1)).await,
            // Every sender is gone and everything kept has been read.
            Err(TryRecvError::Closed) => return tally,
        }
    }
}
