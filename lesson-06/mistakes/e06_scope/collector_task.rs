// Breaks "dropping the join_all future cancels the tasks" (subtle): join_all moves the JoinSet into a collector task and awaits its handle; dropping join_all drops only that handle, which detaches the collector, and the JoinSet inside it keeps every task running.
//! Exercise 6 — no detached tasks: a scope that cancels everything it spawned when dropped.
//!
//! A known-wrong answer, kept to prove the tests reject it: the first line says which promise it breaks.
use std::future::Future;
use tokio::task::JoinSet;
#[derive(Debug)]
pub struct Scope<T> {
    tasks: JoinSet<(usize, T)>,
    n: usize,
}
impl<T: Send + 'static> Default for Scope<T> {
    fn default() -> Self {
        Self::new()
    }
}
impl<T: Send + 'static> Scope<T> {
    pub fn new() -> Self {
        Scope { tasks: JoinSet::new(), n: 0 }
    }
    pub fn spawn<F>(&mut self, task: F)
    where
        F: Future<Output = T> + Send + 'static,
    {
        let i = self.n;
        self.n += 1;
        self.tasks.spawn(async move { (i, task.await) });
    }
    pub async fn join_all(mut self) -> Vec<T> {
        let mut tasks = std::mem::take(&mut self.tasks);
        let collector = tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(j) = tasks.join_next().await {
                match j {
                    Ok(v) => got.push(v),
                    Err(e) => std::panic::resume_unwind(e.into_panic()),
                }
            }
            got.sort_by_key(|(i, _)| *i);
            got.into_iter().map(|(_, v)| v).collect::<Vec<T>>()
        });
        match collector.await {
            Ok(v) => v,
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
}
