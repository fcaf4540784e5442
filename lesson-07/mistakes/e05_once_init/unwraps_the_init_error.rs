// An Err turned into a panic: OnceCell::get_or_init with the init's Result unwrapped, so a failed init panics its caller instead of returning the Err.
//! get_or_init with the error unwrapped.
use std::future::Future;
use tokio::sync::OnceCell;

/// Why an initialisation failed. (Given.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitError(pub String);

/// Lazy.
#[derive(Debug)]
pub struct Lazy<T> {
    cell: OnceCell<T>,
}

impl<T: Clone> Lazy<T> {
    /// New.
    pub fn new() -> Self {
        Self {
            cell: OnceCell::new(),
        }
    }

    /// Get or init.
    pub async fn get_or_init<F, Fut>(&self, init: F) -> Result<T, InitError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, InitError>>,
    {
        Ok(self
            .cell
            .get_or_init(|| async { init().await.expect("init failed") })
            .await
            .clone())
    }

    /// Get.
    pub fn get(&self) -> Option<T> {
        self.cell.get().cloned()
    }
}

impl<T: Clone> Default for Lazy<T> {
    fn default() -> Self {
        Self::new()
    }
}
