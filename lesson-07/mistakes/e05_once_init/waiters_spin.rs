// Waiters spin: init runs once, but the callers waiting for it poll in a loop around yield_now instead of sleeping.
use std::future::Future;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitError(pub String);

use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug)]
pub struct Lazy<T> {
    cell: tokio::sync::OnceCell<T>,
    running: AtomicBool,
}

impl<T: Clone> Lazy<T> {
    pub fn new() -> Self {
        Self {
            cell: tokio::sync::OnceCell::new(),
            running: AtomicBool::new(false),
        }
    }

    pub async fn get_or_init<F, Fut>(&self, init: F) -> Result<T, InitError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, InitError>>,
    {
        loop {
            if let Some(v) = self.cell.get() {
                return Ok(v.clone());
            }
            if !self.running.swap(true, Ordering::SeqCst) {
                let made = init().await;
                self.running.store(false, Ordering::SeqCst);
                let v = made?;
                let _ = self.cell.set(v.clone());
                return Ok(v);
            }
            tokio::task::yield_now().await;
        }
    }

    pub fn get(&self) -> Option<T> {
        self.cell.get().cloned()
    }
}

impl<T: Clone> Default for Lazy<T> {
    fn default() -> Self {
        Self::new()
    }
}
