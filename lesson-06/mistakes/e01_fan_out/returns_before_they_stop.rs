// Breaks "the cancelled jobs have stopped when the error is returned" (a moment in time): abort_all only asks them to stop; it returns at once, before any cancelled job's destructors have run.
//! Exercise 1 — fan out jobs on a `JoinSet`, collect them as they finish, stop at the first error.

use std::future::Future;

use tokio::task::JoinSet;

/// Aborts the rest on an error, but does not wait for them.
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
                set.abort_all();
                return Err(e);
            }
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => {}
        }
    }
    Ok(out)
}
