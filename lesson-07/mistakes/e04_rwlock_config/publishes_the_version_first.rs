// A half-updated value: the version number is published before the rest is prepared, so readers see the new version with the old fields.
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
    current: std::sync::RwLock<Config>,
    writers: tokio::sync::Mutex<()>,
}

impl LiveConfig {
    pub fn new(initial: Config) -> Self {
        Self {
            current: std::sync::RwLock::new(initial),
            writers: tokio::sync::Mutex::new(()),
        }
    }

    pub async fn read(&self) -> Arc<Config> {
        Arc::new(self.current.read().unwrap().clone())
    }

    pub async fn update<F, Fut>(&self, prepare: F) -> Arc<Config>
    where
        F: FnOnce(Arc<Config>) -> Fut,
        Fut: Future<Output = Config>,
    {
        let _turn = self.writers.lock().await;
        // "Claim the next version number first."
        let base = {
            let mut current = self.current.write().unwrap();
            let base = current.clone();
            current.version += 1;
            base
        };
        let next = prepare(Arc::new(base)).await;
        let mut current = self.current.write().unwrap();
        current.endpoint = next.endpoint.clone();
        current.replicas = next.replicas;
        current.version = next.version;
        Arc::new(current.clone())
    }
}
