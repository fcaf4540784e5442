//! Exercise 3 — broadcast to many subscribers, one of them slow.
//!
//! A `tokio::sync::broadcast` channel keeps the last `capacity` values in a ring that every
//! receiver reads at its own pace. The sender never waits for anyone: when the ring is full it
//! overwrites the oldest value. A receiver that fell behind by more than the ring holds learns
//! it on its next `recv`, as `Err(RecvError::Lagged(n))`: `n` values are gone for it, and its
//! next `recv` continues with the oldest value still kept. So one slow subscriber loses values
//! but never slows the publisher or the other subscribers down.
//!
//! ## Your task
//!
//! 1. [`publish`] sends `events` on `tx`: the first at once, then one every `gap` on a fixed
//!    schedule (event `i` at `start + i·gap`, tokio's clock). It never waits for subscribers,
//!    and an event sent while nobody is subscribed is simply dropped: the publisher keeps going
//!    (a subscriber may join later). It returns how many events reached at least one
//!    subscriber, and drops `tx` when done, which is how subscribers learn the stream ended.
//! 2. [`subscriber`] receives until the channel is closed, calls `handle(event).await` for each
//!    event (that is where a slow subscriber spends its time), and returns a [`Tally`]:
//!    - `seen`: the events handled, in order;
//!    - `missed`: how many events it lost to lag (the sum of every `Lagged(n)`), so that
//!      `seen.len() + missed` is the number of events sent while it was subscribed;
//!    - a lag is survived: after `Lagged` it carries on, and it still sees the last events;
//!    - it returns once the channel is closed (`RecvError::Closed`), not before, and without
//!      spinning: `Closed` comes back at once on every call, so it must end the loop.

use std::future::Future;
use std::time::Duration;

use tokio::sync::broadcast;

/// What one subscriber saw: the events it handled, in order, and how many it missed. (Given.)
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
    let _ = (tx, events, gap);
    todo!("send each event on a fixed schedule (sleep_until); a send error means nobody listens")
}

/// Receives from `rx` until the channel is closed, calling `handle(event).await` for each
/// event, and reports what it saw. A lag is counted and survived, not fatal.
pub async fn subscriber<F, Fut>(rx: broadcast::Receiver<u64>, handle: F) -> Tally
where
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = ()>,
{
    let _ = (rx, handle);
    todo!("loop over rx.recv().await: Ok, Err(RecvError::Lagged(n)), Err(RecvError::Closed)")
}
