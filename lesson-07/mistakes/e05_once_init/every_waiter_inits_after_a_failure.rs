// A herd after a failure: when init fails, every waiting caller runs its own init at once instead of one at a time.
//! A Notify wakes the waiters when init ends; after a failure they all try at once.
use std::future::Future;
use std::sync::{Mutex, PoisonError};
use tokio::sync::Notify;

/// Why an initialisation failed. (Given.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitError(pub String);

/// Lazy.
#[derive(Debug)]
pub struct Lazy<T> {
    value: Mutex<(Option<T>, bool)>,
    done: Notify,
}

impl<T: Clone> Lazy<T> {
    /// New.
    pub fn new() -> Self {
        Self {
            value: Mutex::new((None, false)),
            done: Notify::new(),
        }
    }

    /// Get or init.
    pub async fn get_or_init<F, Fut>(&self, init: F) -> Result<T, InitError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, InitError>>,
    {
        let wait = {
            let mut notified = Box::pin(self.done.notified());
            notified.as_mut().enable();
            let mut v = self.value.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(t) = &v.0 {
                return Ok(t.clone());
            }
            if v.1 {
                Some(notified)
            } else {
                v.1 = true;
                None
            }
        };
        if let Some(w) = wait {
            w.await;
            if let Some(t) = self.get() {
                return Ok(t);
            }
        }
        // Ours to make (or the maker failed: try ourselves).
        let made = init().await;
        {
            let mut v = self.value.lock().unwrap_or_else(PoisonError::into_inner);
            v.1 = false;
            if let Ok(t) = &made {
                v.0 = Some(t.clone());
            }
        }
        self.done.notify_waiters();
        made
    }

    /// Get.
    pub fn get(&self) -> Option<T> {
        self.value
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            .clone()
    }
}

impl<T: Clone> Default for Lazy<T> {
    fn default() -> Self {
        Self::new()
    }
}
