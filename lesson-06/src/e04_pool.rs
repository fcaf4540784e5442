//! Exercise 4 — a worker pool bounded by a semaphore, with owned permits.
//!
//! Spawning is cheap, so it is easy to start ten thousand tasks that each open a connection and
//! flatten the service they talk to. A pool that lets only N jobs run at once is the cure; a
//! `tokio::sync::Semaphore` with N permits is the tool: a job runs only while it holds a permit.
//!
//! ## Your task
//!
//! [`Pool::spawn`] promises:
//!
//! - **never more than `limit` jobs in flight**, counted from the moment a job starts until it
//!   ends;
//! - **backpressure**: when all slots are busy, `spawn` itself waits (the caller stops producing
//!   work), instead of piling up waiting tasks;
//! - **a freed slot is reused at once**: when a job ends, a waiting `spawn` starts its job at
//!   that same instant, not a little later;
//! - **a slot is never lost**: a job that panics (or is aborted) gives its slot back too;
//! - **a spawn given up runs nothing**: a caller that stops waiting (a timeout drops the
//!   `spawn` future before a slot was free) has its job dropped, never started later.
//!
//! The permit has to live exactly as long as the job, so it must move into the task: look for
//! the semaphore method whose permit does not borrow the semaphore.
//!
//! Trade-off: `spawn` waiting is what keeps memory bounded, but a caller that must not wait
//! (say, a request handler) would rather hear "busy" at once: `try_acquire_owned` gives that.

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
    /// A pool that runs at most `limit` jobs at a time (`limit` ≥ 1). (Given.)
    pub fn new(limit: usize) -> Self {
        assert!(limit > 0, "a pool of 0 slots would never run anything");
        Pool {
            slots: Arc::new(Semaphore::new(limit)),
        }
    }

    /// Waits until a slot is free, then spawns `job` in it and returns the job's handle. The
    /// slot is given back the moment the job ends: on return, on panic and on abort. If this
    /// future is dropped before a slot was free, `job` is dropped with it and never runs.
    pub async fn spawn<F>(&self, job: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let _ = (&self.slots, job);
        todo!("take an owned permit from the semaphore, then spawn a task that holds it")
    }
}
