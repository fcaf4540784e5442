//! Exercise 2 — an actor that owns a key-value map, and the handle that talks to it.
//!
//! The actor pattern: one task owns the state outright (no `Mutex`), and everyone else sends it
//! messages. A request carries a `tokio::sync::oneshot::Sender` for the reply, so a handle
//! method is just "send a message, await the answer". The handle hides the messages behind
//! ordinary async methods, and its lifetime decides the actor's: when the last handle is dropped
//! the mailbox closes, the actor finishes what is queued, and returns its final state.
//!
//! ## Your task
//!
//! Design the messages (a private `enum`, one variant per request, each carrying the sender of
//! its reply), the actor's loop, and the handle [`Store`]. The promises:
//!
//! - [`Store::start`] spawns the actor (`tokio::spawn`) with a bounded mailbox of `capacity`
//!   messages and returns a handle and the actor's `JoinHandle`;
//! - `get`, `set` and `incr` behave like a `HashMap<String, i64>`: `set` returns the previous
//!   value, `incr` treats a missing key as 0 and returns the new value;
//! - **one request, one message**: `incr` is done by the actor in one step, so a thousand
//!   concurrent `incr`s from cloned handles lose nothing (a `get` then a `set` from the handle
//!   would race);
//! - a **full mailbox** makes callers wait (backpressure); it is not an error;
//! - the actor **stops when every handle is gone**, after answering every request already in
//!   its mailbox, and its `JoinHandle` yields the final map. It must keep nothing alive that
//!   would hold its own mailbox open;
//! - a request to an actor that is **gone** (it was aborted, or stopped) returns
//!   `Err(ActorGone)`: never a panic, never a hang, even when the request was already queued.
//!
//! Trade-off to keep in mind: an actor serialises every request, so it is simple and race-free,
//! but it handles one request at a time. That is the right shape when each request is short.

use std::collections::HashMap;
use std::error::Error;
use std::fmt;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// A request to a [`Store`] whose actor is no longer running. (Given.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActorGone;

impl fmt::Display for ActorGone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the store's actor is gone")
    }
}

impl Error for ActorGone {}

/// A handle to the key-value actor. Cheap to clone; the actor stops when the last clone is gone.
#[derive(Debug, Clone)]
pub struct Store {
    // Replace with your fields: the sending side of the actor's mailbox, whose messages are
    // your own `enum` (not `()`).
    _mailbox: mpsc::Sender<()>,
}

impl Store {
    /// Spawns the actor with a mailbox of `capacity` messages and returns a handle to it, and
    /// the actor's `JoinHandle`, which yields the final map once every handle has been dropped.
    pub fn start(capacity: usize) -> (Store, JoinHandle<HashMap<String, i64>>) {
        let _ = capacity;
        todo!("make an mpsc::channel(capacity), tokio::spawn the actor's loop, return the handle")
    }

    /// The value of `key`, if it has one.
    pub async fn get(&self, key: &str) -> Result<Option<i64>, ActorGone> {
        let _ = key;
        todo!("send a Get carrying a oneshot::Sender, then await the oneshot::Receiver")
    }

    /// Sets `key` to `value` and returns its previous value.
    pub async fn set(&self, key: &str, value: i64) -> Result<Option<i64>, ActorGone> {
        let _ = (key, value);
        todo!("send a Set carrying a oneshot::Sender, then await the reply")
    }

    /// Adds `by` to `key` (a missing key counts as 0) and returns the new value.
    pub async fn incr(&self, key: &str, by: i64) -> Result<i64, ActorGone> {
        let _ = (key, by);
        todo!("one Incr message: the actor adds, so concurrent increments cannot race")
    }
}
