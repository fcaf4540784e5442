// Breaks "when stop returns, the task has really stopped" (a moment in time): abort only asks; it reports Cancelled at once without awaiting the handle, before the task's future (and its cleanup) has been dropped.
//! Exercise 5 — a hard stop and a gentle one: `abort` for tasks, a flag for blocking threads.
//!
//! An async task can be stopped from outside: `abort` marks it cancelled, and the next time the
//! runtime would poll it, it drops the future instead. The task stops at the `.await` it is
//! parked on, and every value it owns is dropped there, so drop guards run its cleanup. A
//! `spawn_blocking` job is different: it is a plain closure on a thread, and nothing can stop
//! a thread from outside. It has to be *asked*, and it has to look.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::task::JoinHandle;

/// How a stopped [`Worker`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stopped<T> {
    /// It had already finished, with this output, before it was stopped.
    Finished(T),
    /// It was cancelled: its future was dropped at the `.await` it was waiting on.
    Cancelled,
}

/// A long-running async task that can be stopped at any time.
#[derive(Debug)]
pub struct Worker<T> {
    handle: JoinHandle<T>,
}

impl<T: Send + 'static> Worker<T> {
    /// Spawns `work` as a task.
    pub fn start<F>(work: F) -> Self
    where
        F: Future<Output = T> + Send + 'static,
    {
        Worker {
            handle: tokio::spawn(work),
        }
    }

    /// Cancels the task and waits until it has really stopped (its cleanup has run).
    ///
    /// Returns [`Stopped::Finished`] if it had finished before, [`Stopped::Cancelled`] if it was
    /// cancelled; if it panicked, the panic continues in the caller.
    pub async fn stop(self) -> Stopped<T> {
        // `abort` only asks: the task is dropped the next time the runtime gets to it (at
        // once if it is idle, at its next `.await` if it is running on another thread).
        // Awaiting the handle is what waits until that has happened.
        self.handle.abort();
        if self.handle.is_finished() {
            match self.handle.await {
                Ok(output) => Stopped::Finished(output),
                Err(error) if error.is_cancelled() => Stopped::Cancelled,
                Err(error) => std::panic::resume_unwind(error.into_panic()),
            }
        } else {
            Stopped::Cancelled
        }
    }
}

/// A job on a blocking thread that runs `step` over and over until it is asked to stop.
#[derive(Debug)]
pub struct BlockingJob {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<u64>,
}

impl BlockingJob {
    /// Starts calling `step` in a loop on a `spawn_blocking` thread.
    pub fn start<S>(mut step: S) -> Self
    where
        S: FnMut() + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let asked = Arc::clone(&stop);
        let handle = tokio::task::spawn_blocking(move || {
            let mut steps = 0;
            // Checked between steps: a step that is running always completes, so the job
            // stops at most one step after it is asked.
            while !asked.load(Ordering::Acquire) {
                step();
                steps += 1;
            }
            steps
        });
        BlockingJob { stop, handle }
    }

    /// Asks the job to stop, waits until its thread has left the loop, and returns how many
    /// steps it ran. No step runs after this returns.
    pub async fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Release);
        match self.handle.await {
            Ok(steps) => steps,
            Err(error) => std::panic::resume_unwind(error.into_panic()),
        }
    }
}
