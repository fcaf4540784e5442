// Breaks "dropping the join_all future cancels the tasks" (subtle): Drop aborts the handles left in the scope, but join_all moves them out first, so when its future is dropped (a timeout) the handles not yet awaited are dropped, and their tasks detached.
//! Exercise 6 — no detached tasks: a scope that cancels everything it spawned when dropped.
//!
//! `tokio::spawn` returns a `JoinHandle`, and dropping that handle does **not** stop the task:
//! it *detaches* it. A detached task runs on with nobody to collect its result, its error or
//! its panic, holding whatever it holds, possibly after the request that started it is long
//! gone. The cure is structure: every task belongs to an owner, and when the owner goes away, so
//! do its tasks.

use std::future::Future;

use tokio::task::JoinHandle;

/// Owns the tasks spawned through it.
#[derive(Debug)]
pub struct Scope<T> {
    tasks: Vec<JoinHandle<T>>,
}

impl<T: Send + 'static> Default for Scope<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Send + 'static> Scope<T> {
    /// An empty scope.
    pub fn new() -> Self {
        Scope { tasks: Vec::new() }
    }

    /// Spawns `task` as a tokio task owned by this scope.
    pub fn spawn<F>(&mut self, task: F)
    where
        F: Future<Output = T> + Send + 'static,
    {
        self.tasks.push(tokio::spawn(task));
    }

    /// Waits for every task, in spawn order.
    pub async fn join_all(mut self) -> Vec<T> {
        let mut outputs = Vec::new();
        for handle in std::mem::take(&mut self.tasks) {
            match handle.await {
                Ok(output) => outputs.push(output),
                Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                Err(_) => {}
            }
        }
        outputs
    }
}

impl<T> Drop for Scope<T> {
    fn drop(&mut self) {
        for handle in &self.tasks {
            handle.abort();
        }
    }
}
