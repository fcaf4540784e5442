// Breaks "a slot is never lost / never more than limit in flight" (subtle): the permit lives in a wrapper task that awaits the job's own task; aborting the returned handle frees the slot but leaves the job running, detached and uncounted.
//! Exercise 4 — a worker pool bounded by a semaphore, with owned permits.
//!
//! A known-wrong answer, kept to prove the tests reject it: the first line says which promise it breaks.
use std::future::Future;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
#[derive(Debug, Clone)]
pub struct Pool {
    slots: Arc<Semaphore>,
}
impl Pool {
    pub fn new(limit: usize) -> Self {
        assert!(limit > 0, "a pool of 0 slots would never run anything");
        Pool { slots: Arc::new(Semaphore::new(limit)) }
    }

    pub async fn spawn<F>(&self, job: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let permit = Arc::clone(&self.slots).acquire_owned().await.unwrap();
        let inner = tokio::spawn(job);
        tokio::spawn(async move {
            let _slot = permit;
            match inner.await {
                Ok(v) => v,
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            }
        })
    }
}
