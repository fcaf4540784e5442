// Breaks "a slot is never lost" (a resource count): it forgets the permit and adds one back after the job returns, so a job that panics (or is aborted) never gives its slot back and the pool shrinks for good.
//! Exercise 4 — a worker pool bounded by a semaphore, with owned permits.
//!
//! Spawning is cheap, so it is easy to start ten thousand tasks that each open a connection and
//! flatten the service they talk to. A pool that lets only N jobs run at once is the cure; a
//! `tokio::sync::Semaphore` with N permits is the tool: a job runs only while it holds a permit.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

/// Runs jobs as tasks, never more than `limit` of them at once.
#[derive(Debug, Clone)]
pub struct Pool {
    slots: Arc<Semaphore>,
}

impl Pool {
    /// A pool that runs at most `limit` jobs at a time (`limit` ≥ 1).
    pub fn new(limit: usize) -> Self {
        assert!(limit > 0, "a pool of 0 slots would never run anything");
        Pool {
            slots: Arc::new(Semaphore::new(limit)),
        }
    }

    /// Waits until a slot is free, then spawns `job` in it and returns the job's handle.
    ///
    /// The slot is given back the moment the job ends: when it returns, when it panics, and
    /// when it is aborted.
    pub async fn spawn<F>(&self, job: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let permit = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .expect("the pool's semaphore is never closed");
        permit.forget();
        let slots = Arc::clone(&self.slots);
        tokio::spawn(async move {
            let out = job.await;
            slots.add_permits(1);
            out
        })
    }
}
