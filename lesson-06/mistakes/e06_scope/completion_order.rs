// Breaks "join_all returns the outputs in spawn order": JoinSet::join_next hands tasks back as they finish, and this keeps that order.
//! Exercise 6 — no detached tasks: a scope that cancels everything it spawned when dropped.
//!
//! `tokio::spawn` returns a `JoinHandle`, and dropping that handle does **not** stop the task:
//! it *detaches* it. A detached task runs on with nobody to collect its result, its error or
//! its panic, holding whatever it holds, possibly after the request that started it is long
//! gone. The cure is structure: every task belongs to an owner, and when the owner goes away, so
//! do its tasks.

//!
//! ## Your task
//!
//! Build [`Scope`]: [`spawn`](Scope::spawn) starts a task owned by the scope, and
//! [`join_all`](Scope::join_all) waits for all of them. It promises:
//!
//! - **dropping the scope cancels every task it spawned** that is still running (each stops at
//!   its next `.await`, and its drop guards run); none keeps running detached;
//! - `join_all` returns the outputs **in the order the tasks were spawned**;
//! - a task's panic continues in the caller of `join_all`, and the other tasks are cancelled;
//! - **dropping the `join_all` future** before it finishes (a timeout around it, a `select!`
//!   that picked another branch) cancels the tasks too: the future owns the scope now.
//!
//! The fields are yours to choose: change the struct. `tokio::task::JoinSet` does most of the
//! work; a `Vec<JoinHandle<T>>` can too, if you add the part it lacks.
//!
//! Trade-off: tying tasks to an owner means a task can never outlive the request that needed
//! it, which is nearly always what you want. The rare task that *must* outlive its caller (a
//! write-behind cache flush) should be handed to a long-lived owner on purpose, not detached
//! by accident.

use std::future::Future;

use tokio::task::JoinSet;

/// Owns the tasks spawned through it. Dropping the scope (or the future of
/// [`join_all`](Scope::join_all)) aborts every task that is still running.
#[derive(Debug)]
pub struct Scope<T> {
    tasks: JoinSet<T>,
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
        }
    }

    /// Spawns `task` as a tokio task owned by this scope.
    pub fn spawn<F>(&mut self, task: F)
    where
        F: Future<Output = T> + Send + 'static,
    {
        self.tasks.spawn(task);
    }

    /// Waits for every task and returns their outputs in the order they were spawned; a task's
    /// panic continues here.
    pub async fn join_all(mut self) -> Vec<T> {
        let mut outputs = Vec::new();
        while let Some(joined) = self.tasks.join_next().await {
            match joined {
                Ok(output) => outputs.push(output),
                Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                Err(_) => {}
            }
        }
        outputs
    }
}
