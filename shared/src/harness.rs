//! The instrumented poll harness (contract skeleton).
use std::fmt;
use std::future::Future;
use std::time::Duration;

use crate::timeline::Timeline;

/// Drives a future while checking the poll rules.
#[derive(Debug, Clone)]
pub struct Harness {}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness {
    /// A harness with the default limits.
    pub fn new() -> Self {
        Self {}
    }
    /// How the future is called in messages, e.g. `"Countdown(3)"`.
    pub fn named(self, name: impl Into<String>) -> Self {
        let _ = name.into();
        self
    }
    /// Wall-clock time to wait for a wake after `Pending` before reporting a lost wakeup.
    pub fn grace(self, grace: Duration) -> Self {
        let _ = grace;
        self
    }
    /// A single `poll` taking longer than this is reported as blocking.
    pub fn blocking_threshold(self, limit: Duration) -> Self {
        let _ = limit;
        self
    }
    /// More polls than this is reported as busy polling.
    pub fn max_polls(self, limit: u64) -> Self {
        let _ = limit;
        self
    }
    /// Poll with a new waker each time (default true), to catch stale wakers.
    pub fn fresh_waker_each_poll(self, yes: bool) -> Self {
        let _ = yes;
        self
    }
    /// Drives `fut` on this thread; panics with the diagnosis if a rule is broken.
    pub fn block_on<F: Future>(&self, fut: F) -> Run<F::Output> {
        match self.try_block_on(fut) {
            Ok(run) => run,
            Err(failure) => panic!("{failure}"),
        }
    }
    /// Like [`Harness::block_on`], returning the failure instead of panicking.
    pub fn try_block_on<F: Future>(&self, fut: F) -> Result<Run<F::Output>, Failure> {
        drop(fut);
        todo!()
    }
    /// Drives `fut` inside the current tokio runtime (paused time works).
    pub async fn run<F: Future>(&self, fut: F) -> Run<F::Output> {
        match self.try_run(fut).await {
            Ok(run) => run,
            Err(failure) => panic!("{failure}"),
        }
    }
    /// Like [`Harness::run`], returning the failure instead of panicking.
    pub async fn try_run<F: Future>(&self, fut: F) -> Result<Run<F::Output>, Failure> {
        drop(fut);
        todo!()
    }
}

/// A future that completed without breaking a rule.
#[derive(Debug)]
pub struct Run<T> {
    /// What the future returned.
    pub output: T,
    /// How many times it was polled.
    pub polls: u64,
    /// How many wakes it sent.
    pub wakes: u64,
    /// Wall-clock time from first poll to `Ready`.
    pub elapsed: Duration,
    /// What happened, in order.
    pub timeline: Timeline,
}

/// Which poll rule was broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Diagnosis {
    /// `Pending` returned and no wake arrived within the grace period.
    LostWakeup {
        /// The poll that returned the last `Pending`.
        poll: u64,
        /// Whether the waker of that poll was cloned (stored) at all.
        waker_cloned: bool,
    },
    /// Only a waker from an earlier poll was woken.
    StaleWaker {
        /// The poll whose (newest) waker was never woken.
        poll: u64,
    },
    /// One call to `poll` took too long.
    BlockingPoll {
        /// Which poll.
        poll: u64,
        /// How long it took.
        took: Duration,
    },
    /// Far more polls than the work needs.
    BusyPolling {
        /// Polls so far.
        polls: u64,
    },
}

/// A broken rule, with the evidence.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Which rule.
    pub diagnosis: Diagnosis,
    /// Polls before the failure.
    pub polls: u64,
    /// Wakes before the failure.
    pub wakes: u64,
    /// What happened, in order.
    pub timeline: Timeline,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.diagnosis)
    }
}
