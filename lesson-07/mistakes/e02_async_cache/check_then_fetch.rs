// A thundering herd: the lock is dropped between the miss and the insert, so concurrent misses for one key all fetch.
use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;

#[derive(Debug)]
pub struct Cache<V> {
    entries: Mutex<HashMap<String, V>>,
}

impl<V: Clone> Cache<V> {
    pub fn new() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub async fn get<F, Fut>(&self, key: &str, fetch: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        if let Some(v) = self.entries.lock().unwrap().get(key) {
            return v.clone();
        }
        let v = fetch().await;
        self.entries
            .lock()
            .unwrap()
            .entry(key.to_owned())
            .or_insert(v)
            .clone()
    }
}

impl<V: Clone> Default for Cache<V> {
    fn default() -> Self {
        Self::new()
    }
}
