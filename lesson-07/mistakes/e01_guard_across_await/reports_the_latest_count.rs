// The count returned is read again after the save, so it includes other hits: each hit must report the count it made.
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
        let saved = {
            let mut hits = self.hits.lock().unwrap_or_else(PoisonError::into_inner);
            let n = hits.entry(page.to_owned()).or_insert(0);
            *n += 1;
            *n
        };
        store.save(page, saved).await;
        self.count(page)
    }
}
