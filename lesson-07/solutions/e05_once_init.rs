//! Exercise 5 — async one-time initialisation with `OnceCell` (reference solution).
//!
//! `tokio::sync::OnceCell::get_or_try_init` already keeps every promise: one caller runs `init`
//! while the others wait on a semaphore (asleep), an `Err` leaves the cell empty, and the next
//! caller in line then runs its own `init`.

use std::future::Future;
use tokio::sync::OnceCell;

/// Why an initialisation failed. (Given.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitError(pub String);

/// A value made on first use by an async `init`, then shared.
#[derive(Debug)]
pub struct Lazy<T> {
    cell: OnceCell<T>,
}

impl<T: Clone> Lazy<T> {
    /// Nothing made yet.
    pub fn new() -> Self {
        Self {
            cell: OnceCell::new(),
        }
    }

    /// The value, made by `init` if nobody has made it yet.
    pub async fn get_or_init<F, Fut>(&self, init: F) -> Result<T, InitError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, InitError>>,
    {
        self.cell.get_or_try_init(init).await.cloned()
    }

    /// The value if it has been made, without waiting and without making it.
    pub fn get(&self) -> Option<T> {
        self.cell.get().cloned()
    }
}

impl<T: Clone> Default for Lazy<T> {
    fn default() -> Self {
        Self::new()
    }
}
