// A lost update: writers do not take turns, so two updates prepared from the same version overwrite each other.
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
    current: std::sync::RwLock<Arc<Config>>,
}

impl LiveConfig {
    pub fn new(initial: Config) -> Self {
        Self {
            current: std::sync::RwLock::new(Arc::new(initial)),
        }
    }

    pub async fn read(&self) -> Arc<Config> {
        self.current.read().unwrap().clone()
    }

    pub async fn update<F, Fut>(&self, prepare: F) -> Arc<Config>
    where
        F: FnOnce(Arc<Config>) -> Fut,
        Fut: Future<Output = Config>,
    {
        let base = self.read().await;
        let next = Arc::new(prepare(base).await);
        *self.current.write().unwrap() = next.clone();
        next
    }
}
