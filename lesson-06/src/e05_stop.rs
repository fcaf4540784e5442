//! Exercise 5 — a hard stop and a gentle one: `abort` for tasks, a flag for blocking threads.
//!
//! An async task can be stopped from outside: `abort` marks it cancelled, and the next time the
//! runtime would poll it, it drops the future instead. The task stops at the `.await` it is
//! parked on, and every value it owns is dropped there, so drop guards run its cleanup. A
//! `spawn_blocking` job is different: it is a plain closure on a thread, and nothing can stop
//! a thread from outside. It has to be *asked*, and it has to look.

//!
//! ## Your task
//!
//! [`Worker`] wraps a spawned task. [`Worker::stop`] promises:
//!
//! - it cancels the task **now**: a task sleeping for an hour does not make `stop` wait an hour;
//! - when `stop` returns, the task has **really stopped**: its future has been dropped and its
//!   cleanup (drop guards) has run;
//! - it tells the truth: `Finished(output)` for a task that had already finished, `Cancelled`
//!   for one it cancelled, and a task's panic continues in the caller
//!   (`std::panic::resume_unwind`), it is not a cancellation.
//!
//! [`BlockingJob`] runs a blocking `step` over and over on a `spawn_blocking` thread.
//! `JoinHandle::abort` cannot stop it: once a blocking closure runs, nothing can interrupt it.
//! [`BlockingJob::stop`] promises:
//!
//! - it returns within about one step (the job looks at a stop flag between steps);
//! - when it returns, the thread has left its loop: **no step runs after `stop` returns**;
//! - it returns how many steps ran.
//!
//! Trade-off: a flag checked between steps means a stop waits for the step in progress; finer
//! steps stop sooner but check the flag more often. For an async task `abort` is free, but it
//! cuts the task at *any* `.await`: work that must not be cut in half (a two-part write) needs
//! a gentle stop there too (a flag or a channel the task listens to).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

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
        drop(work);
        todo!("spawn the work and keep its JoinHandle")
    }

    /// Cancels the task and waits until it has really stopped (its cleanup has run).
    ///
    /// Returns [`Stopped::Finished`] if it had finished before, [`Stopped::Cancelled`] if it was
    /// cancelled; if it panicked, the panic continues in the caller.
    pub async fn stop(self) -> Stopped<T> {
        let _ = &self.handle;
        todo!("abort, then await the handle and sort its result into Finished / Cancelled / panic")
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
        let _ = &mut step;
        todo!("share a stop flag with a spawn_blocking loop that checks it before every step")
    }

    /// Asks the job to stop, waits until its thread has left the loop, and returns how many
    /// steps it ran. No step runs after this returns.
    pub async fn stop(self) -> u64 {
        let _ = (&self.stop, &self.handle);
        todo!("raise the flag, then wait for the thread to leave its loop")
    }
}
