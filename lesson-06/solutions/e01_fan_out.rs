//! Exercise 1 — fan out jobs on a `JoinSet`, collect them as they finish, stop at the first error.
//!
//! A request that needs ten lookups should run them at once, use each answer as soon as it
//! arrives, and, the moment one lookup fails, stop the other nine: their answers can no longer
//! help, and they still hold connections and memory.

use std::future::Future;

use tokio::task::JoinSet;

/// Runs every job as its own task and returns their outputs in the order they finished.
///
/// On the first `Err` it cancels every job still running, waits until they have all stopped
/// (their destructors have run), and only then returns that error.
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
    let mut finished = Vec::new();
    // `join_next` hands out tasks in the order they finish, not the order they were spawned.
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Ok(value)) => finished.push(value),
            Ok(Err(error)) => {
                // `shutdown` = `abort_all` + wait for each task to stop. Dropping the set would
                // abort them too, but would return before their destructors had run.
                set.shutdown().await;
                return Err(error);
            }
            // A job panicked: carry its panic on to our caller (dropping `set` on the way out
            // aborts the rest). Nobody else can abort our tasks, so there is no other error.
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(_) => {}
        }
    }
    Ok(finished)
}
