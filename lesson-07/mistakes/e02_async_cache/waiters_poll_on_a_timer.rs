// Waiters poll on a timer: the key is fetched once, but every waiting caller wakes each millisecond to look again instead of sleeping until the value is there.
//! A map of states; waiters look again every millisecond.
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Mutex, PoisonError};

#[derive(Debug)]
enum Slot<V> {
    Loading,
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
    armed: bool,
}

impl<V> Drop for Unmark<'_, V> {
    fn drop(&mut self) {
        if self.armed {
            self.slots
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(self.key);
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
        loop {
            let mine = {
                let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
                match slots.get(key) {
                    Some(Slot::Ready(v)) => return v.clone(),
                    Some(Slot::Loading) => false,
                    None => {
                        slots.insert(key.to_owned(), Slot::Loading);
                        true
                    }
                }
            };
            if mine {
                let mut unmark = Unmark {
                    slots: &self.slots,
                    key,
                    armed: true,
                };
                let v = fetch().await;
                unmark.armed = false;
                self.slots
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(key.to_owned(), Slot::Ready(v.clone()));
                return v;
            }
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
    }
}

impl<V: Clone> Default for Cache<V> {
    fn default() -> Self {
        Self::new()
    }
}
