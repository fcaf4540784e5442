// A lock held across a slow call: a tokio Mutex makes it Send, but every hit waits for the save before it.
use std::collections::HashMap;
use std::future::Future;

pub trait Store: Sync {
    fn save(&self, page: &str, count: u64) -> impl Future<Output = ()> + Send;
}

#[derive(Debug, Default)]
pub struct Counter {
    hits: tokio::sync::Mutex<HashMap<String, u64>>,
}

impl Counter {
    pub fn new() -> Self {
        Self::default()
    }

    pub async fn hit(&self, page: &str, store: &impl Store) -> u64 {
        let mut hits = self.hits.lock().await;
        let n = hits.entry(page.to_owned()).or_insert(0);
        *n += 1;
        store.save(page, *n).await;
        *n
    }

    pub fn count(&self, page: &str) -> u64 {
        loop {
            if let Ok(hits) = self.hits.try_lock() {
                return hits.get(page).copied().unwrap_or(0);
            }
            std::thread::yield_now();
        }
    }
}
