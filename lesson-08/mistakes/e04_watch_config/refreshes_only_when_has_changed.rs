// Acts on a stale config: it keeps a copy and refreshes it only when has_changed() is Ok(true), but has_changed() is Err once the sender is gone, so a last change made just before the sender dropped is never applied.
//! Exercise 4 — workers that follow a live config through a `watch` channel.
//!
//! `tokio::sync::watch` holds one value, the latest. Senders replace it; receivers read it
//! whenever they like, and can await `changed()` to hear about a new one. Intermediate values
//! may be skipped: a reader that was busy during three updates sees only the last. That is
//! exactly right for configuration (and for a shutdown flag): nobody wants yesterday's rate
//! limit, only the current one.

use std::time::Duration;

use tokio::sync::{mpsc, watch};

/// The live configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Increases with every change.
    pub version: u64,
    /// How long one job takes under this config.
    pub job_time: Duration,
}

/// One finished job, and the config version it was handled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    /// The job's number.
    pub job: u64,
    /// The `Config::version` it ran under.
    pub version: u64,
}

/// Handles jobs from `jobs` until that channel is closed, each under the newest config at the
/// moment the job is taken, and returns what was done, in order.
pub async fn worker(
    mut jobs: mpsc::Receiver<u64>,
    mut config: watch::Receiver<Config>,
) -> Vec<Done> {
    let mut done = Vec::new();
    let mut current = config.borrow_and_update().clone();
    while let Some(job) = jobs.recv().await {
        // Read the config *after* the job arrived: whatever changed while we waited applies.
        // `borrow_and_update` also marks the value seen; the guard is dropped at once, so the
        // sender is never kept waiting on a read lock held across an `.await`.
        // Err means the sender is gone: nothing new can come, keep the copy.
        if config.has_changed().unwrap_or(false) {
            current = config.borrow_and_update().clone();
        }
        tokio::time::sleep(current.job_time).await;
        done.push(Done {
            job,
            version: current.version,
        });
    }
    // If the config's sender was dropped, `borrow` still gives the last value: we keep working.
    done
}
