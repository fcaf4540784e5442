// Breaks "one lookup, one read" (legal but wasteful): the future checks the key with one read and fetches it with a second, so every lookup costs the store two reads.
//! # e03 — `async fn` is a function that returns a future
//!
//! These two functions mean the same thing:
//!
//! ```ignore
//! async fn tick(counter: &AtomicUsize) -> usize { /* body */ }
//!
//! fn tick(counter: &AtomicUsize) -> impl Future<Output = usize> {
//!     async move { /* body */ }
//! }
//! ```
//!
//! The `async fn` form is sugar for the second. Read the second one slowly:
//!
//! - the *function* runs when you call it, and all it does is build an `async` block and return it;
//! - the *body* sits inside the `async move` block, so it runs later, when the returned future is
//!   polled — that is why calling an `async fn` does nothing (e01);
//! - `async move` moves the arguments into the future. Here that is a `&AtomicUsize`, so the future
//!   *borrows* the counter, and the caller must keep the counter alive until the future is done. In
//!   edition 2024, `impl Future` in return position captures every lifetime of the arguments
//!   automatically, exactly as `async fn` does.
//!
//! Writing the desugared form yourself buys you one thing `async fn` cannot do: you choose what
//! happens *at the call* and what the future captures. [`lookup`] uses that: its signature says
//! `+ Send + use<>`, "captures no borrowed arguments, can move to another thread", so the future can
//! be handed to `tokio::spawn` after the caller's `&Store` and `&str` are gone. To get there, take
//! *owned* copies at the call (a `Store` clone is a cheap handle to the same map) and move those into
//! the `async move` block.
//!
//! ## The task
//!
//! - [`tick`]: the desugared `async fn` above, with body `counter.fetch_add(1, SeqCst) + 1`.
//! - [`lookup`]: a `'static` future that reads `key` from `store` **when awaited**, not when called.
//!   Only what must happen at the call (making owned copies) belongs outside the `async move` block;
//!   the read belongs inside it. A lookup that is built, then awaited after someone updated the store,
//!   must see the update.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The desugared form of
/// `async fn tick(counter: &AtomicUsize) -> usize { counter.fetch_add(1, Ordering::SeqCst) + 1 }`.
///
/// Adds one to `counter` when the future runs and returns the new value. Calling `tick` alone must
/// not touch the counter.
// Clippy suggests `async fn` for exactly this shape (`manual_async_fn`): it is right, and writing
// the long form is the point of the exercise.
#[allow(clippy::manual_async_fn)]
pub fn tick(counter: &AtomicUsize) -> impl Future<Output = usize> {
    // The whole body of the `async fn` lives inside the block: it runs when the future is polled.
    async move { counter.fetch_add(1, Ordering::SeqCst) + 1 }
}

/// A tiny in-memory key–value store. Clones share the same map (it is an `Arc` inside).
///
/// It counts reads, so a test can see *when* a lookup really happened.
#[derive(Clone, Debug, Default)]
pub struct Store {
    entries: Arc<Mutex<HashMap<String, String>>>,
    reads: Arc<AtomicUsize>,
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value`, replacing any earlier value.
    pub fn insert(&self, key: &str, value: &str) {
        self.entries
            .lock()
            .expect("store lock poisoned")
            .insert(key.to_owned(), value.to_owned());
    }

    /// Reads `key` (and counts the read).
    pub fn get(&self, key: &str) -> Option<String> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.entries
            .lock()
            .expect("store lock poisoned")
            .get(key)
            .cloned()
    }

    /// How many times [`Store::get`] has run.
    pub fn reads(&self) -> usize {
        self.reads.load(Ordering::SeqCst)
    }
}

/// Looks `key` up in `store` when the returned future is awaited.
///
/// `use<>` in the signature promises that the future borrows neither `store` nor `key`, and `Send`
/// that it may run on another thread: it is `'static + Send`, so it can be passed to `tokio::spawn`.
pub fn lookup(store: &Store, key: &str) -> impl Future<Output = Option<String>> + Send + use<> {
    // At the call: owned copies only, so the future borrows nothing from the caller.
    let store = store.clone(); // a new handle to the same map, not a copy of the data
    let key = key.to_owned();
    // Later, when polled: the actual read.
    async move {
        if store.get(&key).is_some() {
            store.get(&key)
        } else {
            None
        }
    }
}
