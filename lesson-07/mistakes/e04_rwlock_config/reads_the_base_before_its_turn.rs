// A lost update: writers take turns, but each reads the version it starts from before its turn, so queued updates all start from the same old version.
//! Writers take turns, but read the base before their turn.
use std::future::Future;
use std::sync::{Arc, PoisonError, RwLock};

/// One version of the service's configuration. (Given.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Goes up by one with every update.
    pub version: u64,
    /// Where requests go.
    pub endpoint: String,
    /// How many copies serve them.
    pub replicas: u32,
}
/// Live.
#[derive(Debug)]
pub struct LiveConfig {
    current: RwLock<Arc<Config>>,
    writers: tokio::sync::Mutex<()>,
}

impl LiveConfig {
    /// New.
    pub fn new(initial: Config) -> Self {
        Self {
            current: RwLock::new(Arc::new(initial)),
            writers: tokio::sync::Mutex::new(()),
        }
    }

    /// Read.
    pub async fn read(&self) -> Arc<Config> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Update.
    pub async fn update<F, Fut>(&self, prepare: F) -> Arc<Config>
    where
        F: FnOnce(Arc<Config>) -> Fut,
        Fut: Future<Output = Config>,
    {
        let base = self.read().await;
        let _turn = self.writers.lock().await;
        let next = Arc::new(prepare(base).await);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = next.clone();
        next
    }
}
