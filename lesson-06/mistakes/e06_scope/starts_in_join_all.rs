// Breaks "spawn starts a task owned by the scope": it only stores the future and starts every task in join_all, so nothing runs until the caller joins (and nothing runs at all if it never does).
//! Exercise 6 — no detached tasks: a scope that cancels everything it spawned when dropped.
//!
//! A known-wrong answer, kept to prove the tests reject it: the first line says which promise it breaks.
use std::future::Future;
use std::pin::Pin;
use tokio::task::JoinSet;
type Boxed<T> = Pin<Box<dyn Future<Output = T> + Send>>;
pub struct Scope<T> {
    waiting: Vec<Boxed<T>>,
}
impl<T> std::fmt::Debug for Scope<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Scope")
    }
}
impl<T: Send + 'static> Default for Scope<T> {
    fn default() -> Self {
        Self::new()
    }
}
impl<T: Send + 'static> Scope<T> {
    pub fn new() -> Self {
        Scope { waiting: Vec::new() }
    }
    pub fn spawn<F>(&mut self, task: F)
    where
        F: Future<Output = T> + Send + 'static,
    {
        self.waiting.push(Box::pin(task));
    }
    pub async fn join_all(self) -> Vec<T> {
        let mut set = JoinSet::new();
        let n = self.waiting.len();
        for (i, f) in self.waiting.into_iter().enumerate() {
            set.spawn(async move { (i, f.await) });
        }
        let mut out: Vec<Option<T>> = (0..n).map(|_| None).collect();
        while let Some(j) = set.join_next().await {
            match j {
                Ok((i, v)) => out[i] = Some(v),
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            }
        }
        out.into_iter().flatten().collect()
    }
}
