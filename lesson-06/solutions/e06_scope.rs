//! Exercise 6 — no detached tasks: a scope that cancels everything it spawned when dropped.
//!
//! `tokio::spawn` returns a `JoinHandle`, and dropping that handle does **not** stop the task:
//! it *detaches* it. A detached task runs on with nobody to collect its result, its error or
//! its panic, holding whatever it holds, possibly after the request that started it is long
//! gone. The cure is structure: every task belongs to an owner, and when the owner goes away, so
//! do its tasks.

use std::future::Future;

use tokio::task::JoinSet;

/// Owns the tasks spawned through it. Dropping the scope (or the future of
/// [`join_all`](Scope::join_all)) aborts every task that is still running.
#[derive(Debug)]
pub struct Scope<T> {
    // A JoinSet aborts all its tasks when dropped: that is the whole "no detached tasks" rule,
    // for free. Each task carries its spawn index, so outputs can be put back in spawn order.
    tasks: JoinSet<(usize, T)>,
    spawned: usize,
}

impl<T: Send + 'static> Default for Scope<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Send + 'static> Scope<T> {
    /// An empty scope.
    pub fn new() -> Self {
        Scope {
            tasks: JoinSet::new(),
            spawned: 0,
        }
    }

    /// Spawns `task` as a tokio task owned by this scope.
    pub fn spawn<F>(&mut self, task: F)
    where
        F: Future<Output = T> + Send + 'static,
    {
        let index = self.spawned;
        self.spawned += 1;
        self.tasks.spawn(async move { (index, task.await) });
    }

    /// Waits for every task and returns their outputs in the order they were spawned.
    ///
    /// As soon as a task panics, the panic continues here, and the other tasks are aborted (the
    /// scope is dropped on the way out): tasks are taken as they finish, so a slow task spawned
    /// earlier does not hold the news back. If this future is dropped before it finishes, the tasks are
    /// aborted too: it owns the scope.
    pub async fn join_all(mut self) -> Vec<T> {
        let mut outputs: Vec<Option<T>> = (0..self.spawned).map(|_| None).collect();
        while let Some(joined) = self.tasks.join_next().await {
            match joined {
                Ok((index, output)) => outputs[index] = Some(output),
                Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                // Only the scope aborts its tasks, and it does not while joining.
                Err(_) => {}
            }
        }
        outputs.into_iter().flatten().collect()
    }
}
