//! A small single-threaded executor with `spawn` and a run queue (contract skeleton).
use std::future::Future;

/// A single-threaded executor: spawn tasks, then `run` until all are done.
#[derive(Default)]
pub struct LocalExecutor {}

impl LocalExecutor {
    /// A new executor with an empty run queue.
    pub fn new() -> Self {
        Self {}
    }
    /// Queues a task; it runs when [`LocalExecutor::run`] is called.
    pub fn spawn(&self, fut: impl Future<Output = ()> + 'static) {
        drop(fut);
        todo!()
    }
    /// Runs until every spawned task has completed.
    pub fn run(&self) {
        todo!()
    }
}
