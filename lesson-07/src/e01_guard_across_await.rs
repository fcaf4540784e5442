//! Exercise 1 — a std `MutexGuard` held across `.await`, and the fix.
//!
//! `std::sync::Mutex` is the right lock for most async code: locking it is a few nanoseconds when
//! nobody else holds it, and it needs no `.await`. It has one rule: **the guard must be gone
//! before the next `.await`**. The code below breaks that rule, and it compiles. It goes wrong in
//! two ways:
//!
//! - the future of [`Counter::hit`] is not `Send` (a `MutexGuard` must be unlocked by the thread
//!   that locked it, and a suspended task may resume on another worker thread), so
//!   `tokio::spawn(counter.hit(..))` is refused by the compiler;
//! - on a current-thread runtime it *stalls*: the first hit is suspended inside `save` while
//!   holding the lock, the second hit calls `lock()` and blocks the only thread, and that thread
//!   was the one that would have resumed the first hit. Nothing ever moves again.
//!
//! ## Your task
//!
//! Fix [`Counter::hit`] **without** switching to `tokio::sync::Mutex`: keep the std lock, and
//! release it before the save. (An async mutex would compile and not stall, but every hit would
//! then wait for the save of the hit before it: a lock held across a slow call.) Promises:
//!
//! - `hit` adds one to the page's count, saves the count *this hit made*, and returns it: twenty
//!   hits at once on one page return 1 to 20, each once, and save each of those numbers once;
//! - the count is updated before the save starts ([`Counter::count`] sees it at once);
//! - saves never wait for each other: ten hits whose saves take 100 ms each take 100 ms;
//! - the future of `hit` is `Send`, and two hits on a current-thread runtime both finish.
//!
//! Clippy knows this bug by name (`clippy::await_holding_lock`): the `allow` below is only there
//! so that the given code builds cleanly. Remove it with the bug.

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
    /// An empty counter. (Given.)
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one hit on `page`, saves the new count, and returns it.
    ///
    /// The given code: it holds the guard (`hits`) across `store.save(..).await`. Fix it.
    #[allow(clippy::await_holding_lock)]
    pub async fn hit(&self, page: &str, store: &impl Store) -> u64 {
        let mut hits = self.hits.lock().unwrap_or_else(PoisonError::into_inner);
        let n = hits.entry(page.to_owned()).or_insert(0);
        *n += 1;
        store.save(page, *n).await;
        *n
    }

    /// The number of hits on `page` so far. (Given.)
    pub fn count(&self, page: &str) -> u64 {
        let hits = self.hits.lock().unwrap_or_else(PoisonError::into_inner);
        hits.get(page).copied().unwrap_or(0)
    }
}
