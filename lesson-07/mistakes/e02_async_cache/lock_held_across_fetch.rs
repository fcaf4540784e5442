// A lock held across the fetch: one key is fetched once, but every other key waits for it (misses for different keys must fetch in parallel).
use std::collections::HashMap;
use std::future::Future;

#[derive(Debug)]
pub struct Cache<V> {
    entries: tokio::sync::Mutex<HashMap<String, V>>,
}

impl<V: Clone> Cache<V> {
    pub fn new() -> Self {
        Self {
            entries: tokio::sync::Mutex::new(HashMap::new()),
        }
    }

    pub async fn get<F, Fut>(&self, key: &str, fetch: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let mut entries = self.entries.lock().await;
        if let Some(v) = entries.get(key) {
            return v.clone();
        }
        let v = fetch().await;
        entries.insert(key.to_owned(), v.clone());
        v
    }
}

impl<V: Clone> Default for Cache<V> {
    fn default() -> Self {
        Self::new()
    }
}
