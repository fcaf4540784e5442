// Breaks "outputs in the order the jobs finished": it awaits the handles in the order it spawned them, so a slow first job holds back every answer behind it.
//! Exercise 1 — fan out jobs on a `JoinSet`, collect them as they finish, stop at the first error.

use std::future::Future;

/// Awaits the join handles in spawn order.
pub async fn fan_out<I, F, T, E>(jobs: I) -> Result<Vec<T>, E>
where
    I: IntoIterator<Item = F>,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let handles: Vec<_> = jobs.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    let mut rest = handles.into_iter();
    while let Some(handle) = rest.next() {
        match handle.await {
            Ok(Ok(v)) => out.push(v),
            Ok(Err(e)) => {
                for h in rest {
                    h.abort();
                    let _ = h.await;
                }
                return Err(e);
            }
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }
    Ok(out)
}
