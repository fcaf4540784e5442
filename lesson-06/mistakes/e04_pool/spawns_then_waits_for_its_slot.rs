// Breaks "a spawn given up runs nothing" (subtle, a moment in time): it spawns the task at once and the task queues for the permit, telling spawn when it has it; spawn does wait, but a caller that gives up (a timeout) leaves the task queued, and the job runs later anyway.
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
        let slots = Arc::clone(&self.slots);
        let (started, has_started) = tokio::sync::oneshot::channel();
        let handle = tokio::spawn(async move {
            let _slot = slots.acquire_owned().await.expect("never closed");
            let _ = started.send(());
            job.await
        });
        let _ = has_started.await;
        handle
    }
}
