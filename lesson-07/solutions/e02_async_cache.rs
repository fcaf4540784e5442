//! Exercise 2 — a cache whose misses fetch once (reference solution).
//!
//! One `tokio::sync::OnceCell` per key. The map's std lock is held only to find or insert the
//! key's cell (no `.await` inside); the wait for the fetch happens on the cell, which lets exactly
//! one caller run its fetch while the others sleep until it is done. If that caller is
//! cancelled, the cell is still empty and the next waiter runs its own fetch.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::OnceCell;

/// A cache from string keys to values that are fetched on the first request.
#[derive(Debug)]
pub struct Cache<V> {
    entries: Mutex<HashMap<String, Arc<OnceCell<V>>>>,
}

impl<V> Default for Cache<V> {
    fn default() -> Self {
        Self {
            entries: Mutex::default(),
        }
    }
}

impl<V: Clone> Cache<V> {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The value for `key`: from the cache if it is there, else from `fetch`.
    pub async fn get<F, Fut>(&self, key: &str, fetch: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            entries.entry(key.to_owned()).or_default().clone()
        };
        cell.get_or_init(fetch).await.clone()
    }
}
