// Lost update: the count is read, the lock dropped, and written back after the save, so concurrent hits overwrite each other.
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Mutex, PoisonError};

pub trait Store: Sync {
    fn save(&self, page: &str, count: u64) -> impl Future<Output = ()> + Send;
}

#[derive(Debug, Default)]
pub struct Counter {
    hits: Mutex<HashMap<String, u64>>,
}

impl Counter {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn count(&self, page: &str) -> u64 {
        let hits = self.hits.lock().unwrap_or_else(PoisonError::into_inner);
        hits.get(page).copied().unwrap_or(0)
    }

    pub async fn hit(&self, page: &str, store: &impl Store) -> u64 {
        let current = self.count(page);
        let next = current + 1;
        store.save(page, next).await;
        let mut hits = self.hits.lock().unwrap_or_else(PoisonError::into_inner);
        hits.insert(page.to_owned(), next);
        next
    }
}
