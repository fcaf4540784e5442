// The write lock is held while the next version is prepared, so every reader waits for a slow writer.
use std::future::Future;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub version: u64,
    pub endpoint: String,
    pub replicas: u32,
}

#[derive(Debug)]
pub struct LiveConfig {
    current: tokio::sync::RwLock<Arc<Config>>,
}

impl LiveConfig {
    pub fn new(initial: Config) -> Self {
        Self {
            current: tokio::sync::RwLock::new(Arc::new(initial)),
        }
    }

    pub async fn read(&self) -> Arc<Config> {
        self.current.read().await.clone()
    }

    pub async fn update<F, Fut>(&self, prepare: F) -> Arc<Config>
    where
        F: FnOnce(Arc<Config>) -> Fut,
        Fut: Future<Output = Config>,
    {
        let mut current = self.current.write().await;
        let next = Arc::new(prepare(current.clone()).await);
        *current = next.clone();
        next
    }
}
