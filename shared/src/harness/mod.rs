//! The harness: run a future under test and name the rule it breaks.
//!
//! When a future breaks a poll rule under a real executor, usually *nothing
//! happens*: it returns `Pending`, nobody wakes it, and the program (or test)
//! hangs in silence. The [`Harness`] drives the future like an executor would,
//! but watches every poll and every wake, and turns that silence into a
//! [`Failure`] that names the broken rule and shows a timeline.
//!
//! ```
//! use std::time::Duration;
//! use shared::Harness;
//! use shared::test_futures::WakeFromThread;
//!
//! let run = Harness::new()
//!     .named("WakeFromThread")
//!     .block_on(WakeFromThread::new(Duration::from_millis(5), 42));
//! assert_eq!(run.output, 42);
//! assert_eq!(run.wakes, 1);
//! assert_eq!(run.timeline.wake_threads(), ["wake-from-thread"]);
//! ```
//!
//! ## What it checks
//!
//! | diagnosis | how the harness notices |
//! |---|---|
//! | [`LostWakeup`](Diagnosis::LostWakeup) (rule 2) | `Pending`, and no clone of the waker is left (never cloned, or every clone dropped) without a wake: reported at once |
//! | [`StillWaiting`](Diagnosis::StillWaiting) (rule 2?) | `Pending`, a clone is still held, but no wake for [`grace`](Harness::grace) (default 1 s of real time) |
//! | [`StaleWaker`](Diagnosis::StaleWaker) (rule 2) | every poll gets a new waker; only an older one was woken |
//! | [`BlockingPoll`](Diagnosis::BlockingPoll) (rules 3, 4) | one `poll` computed, or waited (slept, locked, parked), for more than [`blocking_threshold`](Harness::blocking_threshold) (default 20 ms); time it was preempted is not counted |
//! | [`BusyPolling`](Diagnosis::BusyPolling) | more than [`max_polls`](Harness::max_polls) polls (default 10,000) |
//! | a poll that never returns (rule 3) | after 1 s, a watchdog thread writes the diagnosis to stderr |
//!
//! Extra wakes are never a failure (a future may be woken more often than it needs, and a wake
//! on the poll that returns `Ready` is legal); only a future that wakes itself without end is
//! reported, as busy polling.
//!
//! Poll timing needs no `/proc`: CPU time and context switches come from `getrusage`, so the
//! verdicts are the same inside the grading sandbox (see `poll_clock`).
//!
//! Rule 1 (never poll after `Ready`) concerns code that polls *other*
//! futures; wrap those children in a [`Probe`](crate::Probe).
//!
//! ## Two ways to run
//!
//! - [`Harness::block_on`] / [`Harness::try_block_on`] drive the future on the
//!   calling thread. Use them for futures woken by threads or by themselves.
//! - [`Harness::run`] / [`Harness::try_run`] are `async` and drive the future
//!   inside the current tokio task. Use them for futures built on tokio
//!   (timers, channels, tasks).
//!
//! ## With tokio's paused time
//!
//! Futures built on `tokio::time` are tested fastest with virtual time:
//! `#[tokio::test(start_paused = true)]`. The clock then stands still until
//! every task is idle and jumps straight to the next timer. The harness's grace
//! period is measured in *real* time by a small watchdog thread, so it is not
//! fooled by those jumps: a 10 s virtual sleep finishes in microseconds and is
//! not mistaken for a lost wakeup. A future that keeps no clone of its waker is
//! reported at once; one that keeps a clone nobody wakes, after about one real
//! second.
//!
//! ```
//! use std::time::Duration;
//! use shared::Harness;
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().start_paused(true)
//! #     .build().unwrap().block_on(async {
//! // In a test: #[tokio::test(start_paused = true)] async fn ...
//! let start = tokio::time::Instant::now();
//! let run = Harness::new()
//!     .run(async {
//!         tokio::time::sleep(Duration::from_secs(10)).await;
//!         "rested"
//!     })
//!     .await;
//! assert_eq!(run.output, "rested");
//! assert_eq!(start.elapsed(), Duration::from_secs(10)); // virtual seconds
//! # });
//! ```
//!
//! ## Environment switches
//!
//! - `GEARS_TRACE=1`: every passing run prints `timeline of <name>:` and its
//!   timeline to stderr, so you can watch the gears turn (`cargo xtask trace`
//!   does this for you).
//! - `GEARS_ABORT_ON_HANG=1`: a poll that has not returned after 1 s aborts
//!   the process after its diagnosis is printed, instead of hanging until the
//!   test is killed. Meant for tools that run each test in its own process.
mod async_mode;
mod diagnosis;
mod driver;
mod poll_clock;
mod recorder;
mod sync;
mod watchdog;

pub use diagnosis::{Diagnosis, Failure};

use std::future::Future;
use std::time::Duration;

use crate::timeline::Timeline;

/// Drives a future while checking the poll rules. Build one with
/// [`Harness::new`] and the setters, then call one of the `run` methods.
#[derive(Debug, Clone)]
pub struct Harness {
    name: Option<String>,
    grace: Duration,
    blocking_threshold: Duration,
    max_polls: u64,
    fresh_waker_each_poll: bool,
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness {
    /// A harness with the default limits: grace 1 s, blocking threshold 20 ms,
    /// at most 10,000 polls, a fresh waker for each poll.
    pub fn new() -> Self {
        Self {
            name: None,
            grace: Duration::from_secs(1),
            blocking_threshold: Duration::from_millis(20),
            max_polls: 10_000,
            fresh_waker_each_poll: true,
        }
    }

    /// How the future is called in messages, e.g. `"Countdown(3)"`. Without a
    /// name the harness uses the future's type name.
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Real (wall-clock) time to wait for a wake after `Pending`, while a
    /// clone of the waker is still held, before failing with
    /// [`StillWaiting`](Diagnosis::StillWaiting). Default 1 s: long enough for
    /// any honest wake on a busy machine, short enough that a learner sees the
    /// message quickly. Raise it for a test whose future is meant to wait
    /// longer in real time. (With no clone left, nothing can wake the future,
    /// and the harness reports a lost wakeup at once, whatever the grace.)
    pub fn grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// A single `poll` call that computes, or waits, for longer than this is
    /// reported: rule 4 or rule 3. Default 20 ms. Time the thread was
    /// preempted (the kernel ran another thread) is not counted, so a busy
    /// machine does not cause false reports. Set it from the durations a test
    /// uses: a poll that sleeps 15 ms passes a 20 ms limit. While other
    /// threads of the process are being preempted, a wait may be a lock one of
    /// them holds: from 2 such preemptions during the poll, each excuses 25 ms
    /// of waiting, and from 8 on a wait counts only past 1 s. So a test that
    /// wants a short sleep seen as blocking keeps its other threads idle.
    pub fn blocking_threshold(mut self, limit: Duration) -> Self {
        self.blocking_threshold = limit;
        self
    }

    /// More polls than this is reported as busy polling. Default 10,000.
    pub fn max_polls(mut self, limit: u64) -> Self {
        self.max_polls = limit;
        self
    }

    /// Poll with a new waker each time (default `true`), to catch futures
    /// that keep using the waker of an earlier poll. With `false` every poll
    /// gets the same waker, as under most simple executors.
    pub fn fresh_waker_each_poll(mut self, yes: bool) -> Self {
        self.fresh_waker_each_poll = yes;
        self
    }

    /// Drives `fut` to completion on this thread.
    ///
    /// # Panics
    ///
    /// If a rule is broken, with the [`Failure`] message (rule, advice,
    /// timeline) — which is what a failing test should show.
    #[track_caller]
    pub fn block_on<F: Future>(&self, fut: F) -> Run<F::Output> {
        match self.try_block_on(fut) {
            Ok(run) => run,
            Err(failure) => panic!("{failure}"),
        }
    }

    /// Like [`Harness::block_on`], returning the failure instead of panicking.
    pub fn try_block_on<F: Future>(&self, fut: F) -> Result<Run<F::Output>, Failure> {
        sync::try_block_on(self, fut)
    }

    /// Drives `fut` inside the current tokio task (paused time works).
    ///
    /// The returned future does not borrow the harness, so
    /// `Harness::new().run(fut)` can be passed to `join!` or `tokio::spawn`.
    ///
    /// # Panics
    ///
    /// If a rule is broken, with the [`Failure`] message. (A panic inside an
    /// `async fn` cannot point at your test's line, so the message ends with
    /// where `run` was called.)
    #[track_caller]
    pub fn run<F: Future>(&self, fut: F) -> impl Future<Output = Run<F::Output>> + use<F> {
        let caller = std::panic::Location::caller();
        let attempt = self.try_run(fut);
        async move {
            match attempt.await {
                Ok(run) => run,
                Err(failure) => panic!("{failure}(Harness::run called at {caller})"),
            }
        }
    }

    /// Like [`Harness::run`], returning the failure instead of panicking.
    pub fn try_run<F: Future>(
        &self,
        fut: F,
    ) -> impl Future<Output = Result<Run<F::Output>, Failure>> + use<F> {
        async_mode::try_run(self.clone(), fut)
    }
}

/// A future that completed without breaking a rule.
#[derive(Debug)]
pub struct Run<T> {
    /// What the future returned.
    pub output: T,
    /// How many times it was polled.
    pub polls: u64,
    /// How many wakes it sent (stale wakes not counted).
    pub wakes: u64,
    /// Wall-clock time from first poll to `Ready` (real time, not tokio's
    /// virtual time).
    pub elapsed: Duration,
    /// What happened, in order.
    pub timeline: Timeline,
}
