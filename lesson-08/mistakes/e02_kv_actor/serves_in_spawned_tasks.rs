// Reports its final state too early (detached tasks): each request is served by a task the actor spawns over a shared map, so when the mailbox closes the actor returns a snapshot before those tasks have run.
//! Exercise 2 — an actor that owns a key-value map, and the handle that talks to it.
//!
//! The actor pattern: one task owns the state outright (no `Mutex`), and everyone else sends it
//! messages. A request carries a `oneshot::Sender` for the reply, so a handle method is just
//! "send a message, await the answer". The handle hides the messages behind ordinary async
//! methods, and its lifetime decides the actor's: when the last handle is dropped the mailbox
//! closes, the actor finishes what is queued, and returns its final state.

use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// A request to a [`Store`] whose actor is no longer running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActorGone;

impl fmt::Display for ActorGone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the store's actor is gone")
    }
}

impl Error for ActorGone {}

/// What the handle sends the actor. Each request carries the sender of its reply.
enum Command {
    Get {
        key: String,
        reply: oneshot::Sender<Option<i64>>,
    },
    Set {
        key: String,
        value: i64,
        reply: oneshot::Sender<Option<i64>>,
    },
    Incr {
        key: String,
        by: i64,
        reply: oneshot::Sender<i64>,
    },
}

/// A handle to the key-value actor. Cheap to clone; the actor stops when the last clone is gone.
#[derive(Debug, Clone)]
pub struct Store {
    mailbox: mpsc::Sender<Command>,
}

impl Store {
    /// Spawns the actor with a mailbox of `capacity` messages and returns a handle to it, and
    /// the actor's `JoinHandle`, which yields the final map once every handle has been dropped.
    pub fn start(capacity: usize) -> (Store, JoinHandle<HashMap<String, i64>>) {
        let (mailbox, inbox) = mpsc::channel(capacity);
        (Store { mailbox }, tokio::spawn(serve(inbox)))
    }

    /// The value of `key`, if it has one.
    pub async fn get(&self, key: &str) -> Result<Option<i64>, ActorGone> {
        let key = key.to_string();
        self.ask(|reply| Command::Get { key, reply }).await
    }

    /// Sets `key` to `value` and returns its previous value.
    pub async fn set(&self, key: &str, value: i64) -> Result<Option<i64>, ActorGone> {
        let key = key.to_string();
        self.ask(|reply| Command::Set { key, value, reply }).await
    }

    /// Adds `by` to `key` (a missing key counts as 0) and returns the new value.
    pub async fn incr(&self, key: &str, by: i64) -> Result<i64, ActorGone> {
        let key = key.to_string();
        self.ask(|reply| Command::Incr { key, by, reply }).await
    }

    /// Sends one request and waits for its reply. Both steps fail only if the actor is gone:
    /// `send` when the mailbox is closed, the reply when the actor dropped the request unanswered.
    async fn ask<T>(
        &self,
        request: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, ActorGone> {
        let (reply, answer) = oneshot::channel();
        // A full mailbox makes this wait: that is backpressure, not an error.
        self.mailbox
            .send(request(reply))
            .await
            .map_err(|_| ActorGone)?;
        answer.await.map_err(|_| ActorGone)
    }
}

/// The actor: owns the map, answers requests one at a time, and returns the map when the
/// mailbox is closed and empty.
async fn serve(mut inbox: mpsc::Receiver<Command>) -> HashMap<String, i64> {
    let shared = Arc::new(Mutex::new(HashMap::new()));
    // `recv` returns None only once every sender is gone *and* the queue is drained, so
    // requests already sent are still answered.
    while let Some(command) = inbox.recv().await {
        // Serve each request on its own task, so a slow one does not hold up the others.
        let shared = shared.clone();
        tokio::spawn(async move {
        let mut map = shared.lock().expect("the map's lock");
        // A caller that gave up has dropped its oneshot receiver; its reply is simply discarded.
        match command {
            Command::Get { key, reply } => {
                let _ = reply.send(map.get(&key).copied());
            }
            Command::Set { key, value, reply } => {
                let _ = reply.send(map.insert(key, value));
            }
            Command::Incr { key, by, reply } => {
                let slot = map.entry(key).or_insert(0);
                *slot += by;
                let _ = reply.send(*slot);
            }
        }
        });
    }
    let map = shared.lock().expect("the map's lock").clone();
    map
}
