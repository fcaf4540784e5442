//! Exercise 4 — workers that follow a live config through a `watch` channel.
//!
//! `tokio::sync::watch` holds one value, the latest. Senders replace it; receivers read it
//! whenever they like, and can await `changed()` to hear about a new one. Intermediate values
//! may be skipped: a reader that was busy during three updates sees only the last. That is
//! exactly right for configuration (and for a shutdown flag): nobody wants yesterday's rate
//! limit, only the current one.
//!
//! ## Your task
//!
//! Write [`worker`]. It takes jobs from `jobs`, one at a time, until that channel is closed,
//! and returns a [`Done`] for each, in order. The promises:
//!
//! - each job runs under the **newest config at the moment the job is taken** from the queue:
//!   it takes `job_time` (on tokio's clock) and is recorded with that config's `version`;
//! - **never stale**: a change made while the worker waited for a job, or while it was busy with
//!   the previous one, applies to the next job it takes, even when jobs are queued up;
//! - intermediate versions may be skipped (two quick changes: the next job sees the second);
//! - when the config's sender is dropped, the worker **keeps working** with the last config
//!   (including a change made just before the sender went), without spinning;
//! - it returns when `jobs` is closed and empty.
//!
//! Trade-off: a watch receiver holds a read lock while you hold the `Ref` that `borrow()`
//! returns. Clone what you need and drop the `Ref` before any `.await`, or the sender's next
//! `send` blocks its whole thread.

use std::time::Duration;

use tokio::sync::{mpsc, watch};

/// The live configuration. (Given.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Increases with every change.
    pub version: u64,
    /// How long one job takes under this config.
    pub job_time: Duration,
}

/// One finished job, and the config version it was handled with. (Given.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    /// The job's number.
    pub job: u64,
    /// The `Config::version` it ran under.
    pub version: u64,
}

/// Handles jobs from `jobs` until that channel is closed, each under the newest config at the
/// moment the job is taken, and returns what was done, in order.
pub async fn worker(jobs: mpsc::Receiver<u64>, config: watch::Receiver<Config>) -> Vec<Done> {
    let _ = (jobs, config);
    todo!("for each job: read the newest config, sleep its job_time, record a Done")
}
