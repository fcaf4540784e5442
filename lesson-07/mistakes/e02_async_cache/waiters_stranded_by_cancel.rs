// Cancellation: a "loading" marker that only the fetching caller clears; when that caller is dropped, the waiters wait forever.
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

#[derive(Debug)]
enum Slot<V> {
    Loading(Arc<Notify>),
    Ready(V),
}

#[derive(Debug)]
pub struct Cache<V> {
    entries: Mutex<HashMap<String, Slot<V>>>,
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
        loop {
            let notify = {
                let mut entries = self.entries.lock().unwrap();
                match entries.get(key) {
                    Some(Slot::Ready(v)) => return v.clone(),
                    Some(Slot::Loading(n)) => {
                        // Register before the lock is dropped, so the wake is not missed.
                        let mut notified = Box::pin(n.clone().notified_owned());
                        notified.as_mut().enable();
                        Some(notified)
                    }
                    None => {
                        entries.insert(key.to_owned(), Slot::Loading(Arc::new(Notify::new())));
                        None
                    }
                }
            };
            match notify {
                Some(notified) => notified.await,
                None => break,
            }
        }
        let v = fetch().await;
        let old = self
            .entries
            .lock()
            .unwrap()
            .insert(key.to_owned(), Slot::Ready(v.clone()));
        if let Some(Slot::Loading(n)) = old {
            n.notify_waiters();
        }
        v
    }
}

impl<V: Clone> Default for Cache<V> {
    fn default() -> Self {
        Self::new()
    }
}
