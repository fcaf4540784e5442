// Breaks "at the first error, cancel the rest": it returns the error but only drops the JoinHandles, which detaches the other jobs; they keep running (and holding what they hold) after fan_out has returned.
//! Exercise 1 — fan out jobs on a `JoinSet`, collect them as they finish, stop at the first error.

use std::future::Future;

use tokio::sync::mpsc;

/// Collects results through a channel, in completion order.
pub async fn fan_out<I, F, T, E>(jobs: I) -> Result<Vec<T>, E>
where
    I: IntoIterator<Item = F>,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut handles = Vec::new();
    for job in jobs {
        let tx = tx.clone();
        handles.push(tokio::spawn(async move {
            let _ = tx.send(job.await);
        }));
    }
    drop(tx);
    let mut out = Vec::new();
    while let Some(result) = rx.recv().await {
        match result {
            Ok(v) => out.push(v),
            Err(e) => return Err(e),
        }
    }
    // Every job has ended; one that panicked sent nothing: carry its panic on.
    for handle in handles {
        if let Err(error) = handle.await {
            if error.is_panic() {
                std::panic::resume_unwind(error.into_panic());
            }
        }
    }
    Ok(out)
}
