// Breaks "never more than limit jobs in flight" (subtle): `let _ = permit;` binds nothing, so the async block does not capture the permit; it is dropped when spawn returns and the job runs without a slot.
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
        tokio::spawn(async move {
            let _ = permit;
            job.await
        })
    }
}
