// A dropped shutdown sender: stop listening to it broken: the Err is ignored, but without an `if` guard the finished oneshot is raced again on the next turn, and polling a oneshot after it answered panics.
//! Exercise 2 — a `select!` loop over two channels, a shutdown signal and one time limit.
//!
//! A collector listens to two producers at once and stops for one of three reasons: someone asks
//! it to shut down, its time is up, or both producers are finished. `tokio::select!` in a loop is
//! the tool: each turn races the branches, runs the one that won, and **drops the futures of the
//! others**. For `recv()` that is harmless (a fresh `recv()` next turn loses nothing). For a
//! timer it is not: a `sleep(limit)` written inside the `select!` is a new timer every turn, so
//! each message restarts the clock and a steady stream means the time is never up. A future that
//! must keep its progress across turns is created **once**, before the loop, pinned
//! (`Box::pin(...)`), and raced by reference (`timer.as_mut()`, or `&mut fut` when it is `Unpin`).
//!
//! ## Your task
//!
//! Write [`collect`]. It promises:
//! - every message from either channel is kept, in the order it was received;
//! - [`Stop::Closed`] once both channels are closed and drained (every sender dropped);
//! - [`Stop::TimeUp`] exactly `limit` after `collect` starts (its first poll), however many
//!   messages arrive meanwhile: one limit for the whole collection, not a quiet period;
//! - [`Stop::Shutdown`] as soon as `shutdown` receives `()`; once it has, no further message is
//!   taken, even one already waiting in a channel (the shutdown comes first);
//! - a shutdown sender dropped **without** sending is not a shutdown: nobody can ask for one any
//!   more, so keep collecting (and stop listening to it);
//! - a closed channel is not polled again and again: while waiting, `collect` sleeps (it is polled
//!   about once per event, never in a loop).
//!
//! Trade-off: `biased;` makes `select!` try its branches top to bottom, which is how "shutdown
//! first" is said. The price is that an upper branch that is always ready starves the lower ones;
//! for two equally important channels a fair loop would alternate which one it asks first.

use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Why [`collect`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// `shutdown` received `()`.
    Shutdown,
    /// `limit` passed since `collect` started.
    TimeUp,
    /// Both channels were closed and drained.
    Closed,
}

/// What [`collect`] gathered, and why it stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collected {
    /// The messages of both channels, in the order they were received.
    pub messages: Vec<String>,
    /// Why the collection ended.
    pub stop: Stop,
}

/// Collects messages from `left` and `right` until a shutdown, the time limit (from the first
/// poll) or both channels closing, whichever comes first.
pub async fn collect(
    mut left: mpsc::Receiver<String>,
    mut right: mpsc::Receiver<String>,
    mut shutdown: oneshot::Receiver<()>,
    limit: Duration,
) -> Collected {
    let mut messages = Vec::new();
    // Made once, before the loop, and raced by reference: every turn sees the same deadline.
    let mut time_up = Box::pin(tokio::time::sleep(limit));
    let (mut left_open, mut right_open) = (true, true);
    loop {
        if !left_open && !right_open {
            return Collected {
                messages,
                stop: Stop::Closed,
            };
        }
        tokio::select! {
        biased;
            // First: once a shutdown was sent, no waiting message is taken any more.
            // No guard: after a dropped sender's Err this finished oneshot is raced again.
            sent = &mut shutdown => match sent {
                Ok(()) => return Collected { messages, stop: Stop::Shutdown },
                Err(_) => {}
            },
            () = time_up.as_mut() => return Collected { messages, stop: Stop::TimeUp },
            // The `if` leaves a closed channel out, so it is not polled (and answered None) again.
            got = left.recv(), if left_open => match got {
                Some(m) => messages.push(m),
                None => left_open = false,
            },
            got = right.recv(), if right_open => match got {
                Some(m) => messages.push(m),
                None => right_open = false,
            },
        }
    }
}
