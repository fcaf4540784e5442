//! `block_on`: the smallest executor (contract skeleton).
use std::future::Future;

/// Runs `fut` to completion on the current thread, parking between wakes.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    drop(fut);
    todo!()
}
