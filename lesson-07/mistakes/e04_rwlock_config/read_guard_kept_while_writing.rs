// A self-deadlock: update keeps the read guard of its base alive while it asks for the write lock, which waits for every read guard, its own too.
//! tokio RwLock; the read guard of the base is kept while preparing.
use std::future::Future;
use std::sync::Arc;

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
    current: tokio::sync::RwLock<Arc<Config>>,
}

impl LiveConfig {
    /// New.
    pub fn new(initial: Config) -> Self {
        Self {
            current: tokio::sync::RwLock::new(Arc::new(initial)),
        }
    }

    /// Read.
    pub async fn read(&self) -> Arc<Config> {
        self.current.read().await.clone()
    }

    /// Update.
    pub async fn update<F, Fut>(&self, prepare: F) -> Arc<Config>
    where
        F: FnOnce(Arc<Config>) -> Fut,
        Fut: Future<Output = Config>,
    {
        let base = self.current.read().await;
        let next = Arc::new(prepare(base.clone()).await);
        *self.current.write().await = next.clone();
        next
    }
}
