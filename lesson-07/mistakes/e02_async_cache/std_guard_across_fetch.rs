// A std MutexGuard held across the fetch: the second caller's lock() blocks the thread the first caller needs to finish.
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

    #[allow(clippy::await_holding_lock)]
    pub async fn get<F, Fut>(&self, key: &str, fetch: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let mut entries = self.entries.lock().unwrap();
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
