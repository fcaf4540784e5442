// Breaks "all jobs run at the same time": it awaits each job in turn on the caller's task, so N jobs take the sum of their times and the answers come back in the given order.
//! Exercise 1 — fan out jobs on a `JoinSet`, collect them as they finish, stop at the first error.

use std::future::Future;

/// Runs the jobs one after another, without spawning.
pub async fn fan_out<I, F, T, E>(jobs: I) -> Result<Vec<T>, E>
where
    I: IntoIterator<Item = F>,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let mut out = Vec::new();
    for job in jobs {
        out.push(job.await?);
    }
    Ok(out)
}
