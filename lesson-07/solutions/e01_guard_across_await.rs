//! Exercise 1 — a std `MutexGuard` held across `.await`, and the fix (reference solution).
//!
//! The fix is a block: the guard lives inside it, the block ends before the `.await`, so the lock
//! is released before the task can be suspended. The count is copied out of the map while the
//! lock is held, so each hit reports (and saves) the count it made itself.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Mutex, PoisonError};

/// Where the counter saves each new count. (Given; the tests bring their own, slow ones.)
pub trait Store: Sync {
    /// Saves `count` as the latest number of hits on `page`. It may take a while, and two saves
    /// of the same page may finish in either order.
    fn save(&self, page: &str, count: u64) -> impl Future<Output = ()> + Send;
}

/// Counts hits per page and saves every new count.
#[derive(Debug, Default)]
pub struct Counter {
    hits: Mutex<HashMap<String, u64>>,
}

impl Counter {
    /// An empty counter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one hit on `page`, saves the new count, and returns it.
    pub async fn hit(&self, page: &str, store: &impl Store) -> u64 {
        let count = {
            let mut hits = self.hits.lock().unwrap_or_else(PoisonError::into_inner);
            let n = hits.entry(page.to_owned()).or_insert(0);
            *n += 1;
            *n
        }; // the guard is dropped here, before the task can be suspended
        store.save(page, count).await;
        count
    }

    /// The number of hits on `page` so far.
    pub fn count(&self, page: &str) -> u64 {
        let hits = self.hits.lock().unwrap_or_else(PoisonError::into_inner);
        hits.get(page).copied().unwrap_or(0)
    }
}
