// Breaks "the message is the text the job panicked with" for formatted panics (subtle): it only downcasts the payload to &str, but panic!("bad input {}", 7) carries a String.
//! Exercise 2 — a job that panics: name it, and let the others finish.
//!
//! A panic inside a spawned task does not crash the program: tokio catches it at the task's
//! edge and hands it to whoever awaits the `JoinHandle`, as a `JoinError`. What happens next is
//! the caller's choice. Here the caller is a batch runner: one broken job must not take the batch
//! down with it, and the report must say which job broke, and why.

use std::fmt;
use std::future::Future;

use tokio::task::JoinError;

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

/// Runs every job as its own task and waits for **all** of them.
///
/// Returns the outputs in the order the jobs were given, or, if any job panicked, the first
/// panicked job *in that order* with its message. Either way every job has finished when it
/// returns.
pub async fn run_jobs<T, F>(jobs: Vec<(String, F)>) -> Result<Vec<T>, JobPanicked>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    // Spawn them all first, so that they run at the same time...
    let handles: Vec<_> = jobs
        .into_iter()
        .map(|(name, job)| (name, tokio::spawn(job)))
        .collect();
    // ...then await each in turn. Awaiting in list order costs nothing here: we must wait for
    // all of them anyway, and it makes "the first panicked job" mean the same on every run.
    let mut outputs = Vec::with_capacity(handles.len());
    let mut first_panic = None;
    for (name, handle) in handles {
        match handle.await {
            Ok(output) => outputs.push(output),
            Err(error) => {
                let message = panic_message(error);
                first_panic.get_or_insert(JobPanicked { job: name, message });
            }
        }
    }
    match first_panic {
        Some(panicked) => Err(panicked),
        None => Ok(outputs),
    }
}

/// The text a task panicked with. `panic!("literal")` carries a `&'static str`; a formatted
/// `panic!("{x}")` carries a `String`; anything else (`std::panic::panic_any(42)`) has no text.
fn panic_message(error: JoinError) -> String {
    if !error.is_panic() {
        // Only a runtime shutting down cancels our tasks; say so rather than invent a message.
        return "the task was cancelled".to_string();
    }
    let payload = error.into_panic();
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else {
        "(the panic carried no message)".to_string()
    }
}
