//! Exercise 4 — a live config: many readers, one writer at a time (reference solution).
//!
//! Readers take a std read lock for as long as an `Arc` clone takes. Writers queue on a tokio
//! `Mutex` (held across the slow preparation, which is what an async mutex is for), prepare the
//! next config from the current one, and swap it in under a write lock held for one assignment.

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

/// The configuration in force, shared by every task of the service.
#[derive(Debug)]
pub struct LiveConfig {
    current: RwLock<Arc<Config>>,
    writers: tokio::sync::Mutex<()>,
}

impl LiveConfig {
    /// Starts with `initial` in force.
    pub fn new(initial: Config) -> Self {
        Self {
            current: RwLock::new(Arc::new(initial)),
            writers: tokio::sync::Mutex::new(()),
        }
    }

    /// The configuration in force now: a whole version, old or new, never a mix.
    pub async fn read(&self) -> Arc<Config> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Prepares the next configuration with `prepare` and puts it in force; returns it.
    pub async fn update<F, Fut>(&self, prepare: F) -> Arc<Config>
    where
        F: FnOnce(Arc<Config>) -> Fut,
        Fut: Future<Output = Config>,
    {
        let _turn = self.writers.lock().await;
        let base = self.read().await;
        let next = Arc::new(prepare(base).await);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = next.clone();
        next
    }
}
