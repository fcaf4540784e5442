// Breaks "stop waits without blocking" (legal-looking but wasteful): the job runs on a std thread and stop calls JoinHandle::join inside the async fn, blocking a runtime thread, and every task on it, until the step in progress ends.
//! Exercise 5 — a hard stop and a gentle one: `abort` for tasks, a flag for blocking threads.
//!
//! A known-wrong answer, kept to prove the tests reject it: the first line says which promise it breaks.
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::task::JoinHandle;
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stopped<T> {
    Finished(T),
    Cancelled,
}

#[derive(Debug)]
pub struct Worker<T> {
    handle: JoinHandle<T>,
}
impl<T: Send + 'static> Worker<T> {
    pub fn start<F>(work: F) -> Self
    where
        F: Future<Output = T> + Send + 'static,
    {
        Worker { handle: tokio::spawn(work) }
    }
    pub async fn stop(self) -> Stopped<T> {
        self.handle.abort();
        match self.handle.await {
            Ok(v) => Stopped::Finished(v),
            Err(e) if e.is_cancelled() => Stopped::Cancelled,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
}

#[derive(Debug)]
pub struct BlockingJob {
    stop: Arc<AtomicBool>,
    handle: std::thread::JoinHandle<u64>,
}
impl BlockingJob {
    pub fn start<S>(mut step: S) -> Self
    where
        S: FnMut() + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let asked = Arc::clone(&stop);
        let handle = std::thread::spawn(move || {
            let mut n = 0;
            while !asked.load(Ordering::Acquire) {
                step();
                n += 1;
            }
            n
        });
        BlockingJob { stop, handle }
    }
    pub async fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Release);
        self.handle.join().unwrap()
    }
}

