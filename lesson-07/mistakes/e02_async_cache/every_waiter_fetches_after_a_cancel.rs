// A herd after a cancel: when the fetching caller is dropped, every waiter fetches for itself instead of one taking over while the others wait.
//! A map of states with a Notify per key being fetched.
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::Notify;

#[derive(Debug)]
enum Slot<V> {
    Loading(Arc<Notify>),
    Ready(V),
}

/// A cache.
#[derive(Debug)]
pub struct Cache<V> {
    slots: Mutex<HashMap<String, Slot<V>>>,
}

struct Unmark<'a, V> {
    slots: &'a Mutex<HashMap<String, Slot<V>>>,
    key: &'a str,
    notify: Arc<Notify>,
    armed: bool,
}

impl<V> Drop for Unmark<'_, V> {
    fn drop(&mut self) {
        if self.armed {
            self.slots
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(self.key);
            self.notify.notify_waiters();
        }
    }
}

impl<V: Clone> Cache<V> {
    /// An empty cache.
    pub fn new() -> Self {
        Self {
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// The value for `key`.
    pub async fn get<F, Fut>(&self, key: &str, fetch: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let waiting = {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            match slots.get(key) {
                Some(Slot::Ready(v)) => return v.clone(),
                Some(Slot::Loading(n)) => Some(n.clone()),
                None => {
                    let n = Arc::new(Notify::new());
                    slots.insert(key.to_owned(), Slot::Loading(n.clone()));
                    drop(slots);
                    let mut unmark = Unmark {
                        slots: &self.slots,
                        key,
                        notify: n,
                        armed: true,
                    };
                    let v = fetch().await;
                    unmark.armed = false;
                    self.slots
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(key.to_owned(), Slot::Ready(v.clone()));
                    unmark.notify.notify_waiters();
                    return v;
                }
            }
        };
        if let Some(n) = waiting {
            n.notified().await;
        }
        let ready = match self
            .slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
        {
            Some(Slot::Ready(v)) => Some(v.clone()),
            _ => None,
        };
        match ready {
            Some(v) => v,
            // The fetcher went away: fetch it ourselves.
            None => {
                let v = fetch().await;
                self.slots
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(key.to_owned(), Slot::Ready(v.clone()));
                v
            }
        }
    }
}

impl<V: Clone> Default for Cache<V> {
    fn default() -> Self {
        Self::new()
    }
}
