// Breaks Expired.completed (off by one): it counts the step that was cut off as completed.
//! Exercise 6 — one deadline for an operation made of several steps.
//!
//! "Check out within 2 s" means the *whole* checkout: reserve, charge, ship. Giving each step its
//! own 2 s timeout lets the operation take 6 s; the caller gave up long before. So the deadline is
//! an instant, fixed once and passed down, and each step gets what is left of it.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::time::{Instant, timeout_at};

/// One step of an operation: a name and its work, not started yet (a future does nothing until
/// polled, so building the list of steps runs none of them).
pub struct Step<T> {
    /// Named in [`Expired`] when this step runs out of time.
    pub name: &'static str,
    /// The work.
    pub work: Pin<Box<dyn Future<Output = T>>>,
}

impl<T> Step<T> {
    /// A step called `name` that does `work`.
    pub fn new(name: &'static str, work: impl Future<Output = T> + 'static) -> Self {
        Self {
            name,
            work: Box::pin(work),
        }
    }
}

/// The deadline passed before the operation was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expired {
    /// The step that was running, or due to start, when the deadline passed.
    pub step: &'static str,
    /// How many steps had finished by then.
    pub completed: usize,
}

/// The time from now until `deadline`; zero once it has passed (never panics).
pub fn time_left(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

/// Runs `steps` one after another, all within the one `deadline`; returns their outputs in order.
///
/// Each step gets the time left until `deadline`, not a limit of its own. A step still running
/// at the deadline is cancelled (dropped) then; a step due to start at or after the deadline is
/// never started. Either way the answer is `Err(Expired)` naming that step. A step that finishes
/// at the deadline itself counts as finished.
pub async fn run_steps<T>(deadline: Instant, steps: Vec<Step<T>>) -> Result<Vec<T>, Expired> {
    let mut outputs = Vec::with_capacity(steps.len());
    for step in steps {
        let expired = Expired {
            step: step.name,
            completed: outputs.len() + 1,
        };
        // `timeout_at` polls the work once before it looks at the clock, so a step given no
        // time at all would still start (and a first poll can send a request or charge a card).
        // Look first.
        if Instant::now() >= deadline {
            return Err(expired);
        }
        match timeout_at(deadline, step.work).await {
            Ok(output) => outputs.push(output),
            // `timeout_at` has dropped the work: that is the cancellation.
            Err(_) => return Err(expired),
        }
    }
    Ok(outputs)
}
