//! Exercise 2 — a job that panics: name it, and let the others finish.
//!
//! A panic inside a spawned task does not crash the program: tokio catches it at the task's
//! edge and hands it to whoever awaits the `JoinHandle`, as a `JoinError`. What happens next is
//! the caller's choice. Here the caller is a batch runner: one broken job must not take the batch
//! down with it, and the report must say which job broke, and why.
//!
//! ## Your task
//!
//! [`run_jobs`] runs every `(name, job)` pair as its own task (so the jobs run at the same
//! time) and promises:
//!
//! - a job's panic never reaches the caller as a panic: `run_jobs` itself does not panic;
//! - it returns only when **every** job has finished, panicked or not (nothing left running);
//! - no panic: `Ok` with the outputs in the order the jobs were given (not the order they
//!   finished);
//! - a panic: `Err(JobPanicked)` naming the job and carrying its message, exactly the text the
//!   job panicked with. If several panicked, the first of them in the list.
//!
//! `JoinError::is_panic` and `JoinError::into_panic` give you the panic's payload, a
//! `Box<dyn Any + Send>`: find out which types a panic message can have, and handle both.
//!
//! Trade-off: catching a panic keeps the batch alive, but the panicked job's half-done work is
//! gone, and anything it shared with others (a `std::sync::Mutex` it held) may be left
//! poisoned. A panic is a bug report, not an error value: report it loudly, as here.

use std::fmt;
use std::future::Future;

/// Which job panicked, and the text it panicked with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPanicked {
    /// The name the job was given.
    pub job: String,
    /// The panic's message (`"boom"` for `panic!("boom")`, `"bad input 7"` for
    /// `panic!("bad input {}", 7)`).
    pub message: String,
}

impl fmt::Display for JobPanicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "job {} panicked: {}", self.job, self.message)
    }
}

impl std::error::Error for JobPanicked {}

/// Runs every job as its own task and waits for all of them: `Ok(outputs)` in list order, or
/// `Err` naming the first job in the list that panicked, with its panic message.
pub async fn run_jobs<T, F>(jobs: Vec<(String, F)>) -> Result<Vec<T>, JobPanicked>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let _ = jobs;
    todo!("spawn each job, then await every handle; turn a JoinError's panic payload into text")
}
