//! Exercise 2 — a cache whose misses fetch once.
//!
//! A cache in front of a slow service has one job beyond remembering: when a hundred requests
//! for the same key arrive at once, the service should be asked *once*, not a hundred times (a
//! "thundering herd" or "cache stampede"). And it must not go the other way and make every
//! request wait for every other: requests for different keys fetch at the same time.
//!
//! ## Your task
//!
//! Write [`Cache`] (choose its fields) and [`Cache::get`]:
//!
//! - a hit (the key was fetched before) returns the stored value at once, without calling
//!   `fetch`;
//! - concurrent misses for one key call **one** `fetch` between them; the others wait for it
//!   (without polling in a loop) and all get a clone of its value;
//! - misses for different keys fetch in parallel: a slow key never holds up another key;
//! - if the caller that is fetching is cancelled (its future dropped), the callers waiting for
//!   it do not wait forever: one of them fetches instead.
//!
//! The trade-off to decide: which lock protects the map, and for how long. A lock held across
//! `fetch(..).await` gets the first promise and breaks the third; a lock dropped before the fetch
//! without anything else breaks the second. Something per key must hold the "being fetched"
//! state, and it must recover from a fetch that was dropped half-way.

use std::future::Future;
use std::marker::PhantomData;

/// A cache from string keys to values that are fetched on the first request.
#[derive(Debug)]
pub struct Cache<V> {
    // Replace with your fields.
    values: PhantomData<V>,
}

impl<V: Clone> Cache<V> {
    /// An empty cache.
    pub fn new() -> Self {
        Self {
            values: PhantomData,
        }
    }

    /// The value for `key`: from the cache if it is there, else from `fetch` (run by one caller
    /// at a time per key; see the module docs for every promise).
    pub async fn get<F, Fut>(&self, key: &str, fetch: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let _ = (key, fetch, &self.values);
        todo!("find the key's slot without holding a lock across .await, then fetch or wait")
    }
}

impl<V: Clone> Default for Cache<V> {
    fn default() -> Self {
        Self::new()
    }
}
