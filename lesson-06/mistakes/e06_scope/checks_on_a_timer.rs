// Legal but wasteful: Vec<JoinHandle> with an aborting Drop is right, but join_all checks is_finished every millisecond instead of waiting to be woken, so it is polled dozens of times for one result.
//! Exercise 6 — no detached tasks: a scope that cancels everything it spawned when dropped.
//!
//! A known-wrong answer, kept to prove the tests reject it: the first line says which promise it breaks.
use std::future::Future;
use tokio::task::JoinHandle;
#[derive(Debug)]
pub struct Scope<T> {
    handles: Vec<Option<JoinHandle<T>>>,
}
impl<T: Send + 'static> Default for Scope<T> {
    fn default() -> Self {
        Self::new()
    }
}
impl<T> Drop for Scope<T> {
    fn drop(&mut self) {
        for h in self.handles.iter().flatten() {
            h.abort();
        }
    }
}
impl<T: Send + 'static> Scope<T> {
    pub fn new() -> Self {
        Scope { handles: Vec::new() }
    }
    pub fn spawn<F>(&mut self, task: F)
    where
        F: Future<Output = T> + Send + 'static,
    {
        self.handles.push(Some(tokio::spawn(task)));
    }
    pub async fn join_all(mut self) -> Vec<T> {
        let n = self.handles.len();
        let mut out: Vec<Option<T>> = (0..n).map(|_| None).collect();
        let mut left = n;
        while left > 0 {
            for i in 0..n {
                if self.handles[i].as_ref().is_some_and(|h| h.is_finished()) {
                    let h = self.handles[i].take().unwrap();
                    match h.await {
                        Ok(v) => out[i] = Some(v),
                        Err(e) => std::panic::resume_unwind(e.into_panic()),
                    }
                    left -= 1;
                }
            }
            if left > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        }
        out.into_iter().flatten().collect()
    }
}
