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
    ///
    /// Dropped while it waits, this future drops `job` too: nothing was spawned yet, so a caller
    /// who gives up (a timeout) leaves no task behind that would run the job later.
    pub async fn spawn<F>(&self, job: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        // `acquire_owned` (on an `Arc<Semaphore>`) gives a permit that borrows nothing, so it
        // can move into the `'static` task. The semaphore never closes, so this cannot fail.
        let permit = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .expect("the pool's semaphore is never closed");
        tokio::spawn(async move {
            // Owned by the task: dropped when the task's future is dropped, which happens on
            // return, on panic (while unwinding) and on abort alike.
            let _slot = permit;
            job.await
        })
    }
}
