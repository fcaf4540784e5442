// Breaks "a job that panics: carry the panic on to the caller": a panicked JoinError is skipped like a finished job, so fan_out returns Ok with one output fewer and the bug is never reported.
//! Exercise 1 — fan out jobs on a `JoinSet`, collect them as they finish, stop at the first error.
//!
//! A known-wrong answer, kept to prove the tests reject it: the first line says which promise it breaks.
use std::future::Future;
use tokio::task::JoinSet;
pub async fn fan_out<I, F, T, E>(jobs: I) -> Result<Vec<T>, E>
where
    I: IntoIterator<Item = F>,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let mut set = JoinSet::new();
    for job in jobs {
        set.spawn(job);
    }
    let mut out = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok(v)) => out.push(v),
            Ok(Err(e)) => {
                set.shutdown().await;
                return Err(e);
            }
            Err(_) => continue,
        }
    }
    Ok(out)
}
