//! One step of the harness: poll the future once, under observation.
//!
//! Both ways of running the harness (blocking the thread in
//! [`sync`](super::sync), or inside tokio in [`async_mode`](super::async_mode))
//! share this code. They differ only in how they *wait* between polls.
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use super::diagnosis::{Diagnosis, Failure, FailureContext};
use super::poll_clock::{PollTimer, PollTiming, Verdict};
use super::recorder::{PollWaker, Recorder};
use super::watchdog::Watchdog;
use super::{Harness, Run};
use crate::timeline::EventKind;
use crate::wakers::hooked_waker;

/// A poll still running after this long is reported as hung (see
/// [`watchdog`](super::watchdog)).
const HANG_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// What one poll led to.
pub(crate) enum Step<T> {
    Ready(T),
    Pending,
    Failed(Box<Failure>),
}

pub(crate) struct Driver {
    config: Harness,
    name: String,
    pub(crate) recorder: Arc<Recorder>,
    polls: u64,
    /// The newest waker and our handle to it.
    newest: Option<(Arc<PollWaker>, Waker)>,
    /// What the last poll cost (for rule 3 vs 4, and the message).
    last_timing: Option<PollTiming>,
    /// Added to a lost-wakeup message.
    pub(crate) note: Option<&'static str>,
}

impl Driver {
    pub(crate) fn new(config: &Harness, type_name: &str) -> Self {
        Self {
            name: config
                .name
                .clone()
                .unwrap_or_else(|| short_type_name(type_name)),
            recorder: Recorder::new(config.fresh_waker_each_poll),
            config: config.clone(),
            polls: 0,
            newest: None,
            last_timing: None,
            note: None,
        }
    }

    /// Starts the watchdog thread for this run; it stops when the guard drops.
    pub(crate) fn watchdog(&self) -> Watchdog {
        let hang_after = self.config.blocking_threshold.max(HANG_AFTER);
        Watchdog::start(self.recorder.clone(), self.name.clone(), hang_after)
    }

    pub(crate) fn poll_once<F: Future>(&mut self, fut: Pin<&mut F>) -> Step<F::Output> {
        if self.polls >= self.config.max_polls {
            return Step::Failed(self.failure(Diagnosis::BusyPolling { polls: self.polls }));
        }
        self.polls += 1;
        let poll = self.polls;
        if self.config.fresh_waker_each_poll || self.newest.is_none() {
            let hooks = PollWaker::new(self.recorder.clone(), poll);
            let waker = hooked_waker(hooks.clone());
            self.newest = Some((hooks, waker));
        }
        let (hooks, waker) = self.newest.as_ref().expect("set just above");
        let clones_before = hooks.clones();
        let slot = self.recorder.begin_poll(poll);
        let timer = PollTimer::start();
        let result = fut.poll(&mut Context::from_waker(waker));
        let timing = timer.stop();
        let cloned = hooks.clones() > clones_before;
        let took = timing.took();
        self.recorder
            .end_poll(slot, result.is_ready(), cloned, took);
        self.last_timing = Some(timing);
        let computing = match timing.verdict(self.config.blocking_threshold) {
            Verdict::Quick => None,
            Verdict::Computed(took) => Some((true, took)),
            Verdict::Blocked(took) => Some((false, took)),
        };
        if let Some((computing, took)) = computing {
            let mut failure = self.failure(Diagnosis::BlockingPoll { poll, took });
            failure.context.computing = computing;
            return Step::Failed(failure);
        }
        match result {
            Poll::Ready(output) => Step::Ready(output),
            Poll::Pending if self.nobody_can_wake() => Step::Failed(self.gave_up()),
            Poll::Pending => Step::Pending,
        }
    }

    /// After a `Pending`: no wake came during the poll and no clone of any waker is alive, so
    /// nothing can ever wake the future. Certain, so it is said at once.
    fn nobody_can_wake(&self) -> bool {
        let alive = self.recorder.clones_alive();
        // Clones are counted before the state is read: a wake() that consumed the last clone
        // is recorded before that clone's drop, so `woken` is already true here.
        alive == 0 && !self.recorder.state().woken
    }

    /// No useful wake arrived: the grace period ran out, or nothing is left that could wake.
    ///
    /// Three different stories, told apart by what is left of the newest waker:
    /// - only an older waker was woken: stale waker;
    /// - no clone of it is alive (never cloned, or every clone dropped): a certain lost wakeup;
    /// - a clone is still held somewhere: maybe a lost wakeup, maybe a long wait. The message
    ///   says which grace ran out and how to raise it.
    pub(crate) fn gave_up(&self) -> Box<Failure> {
        let (cloned, alive) = match &self.newest {
            Some((hooks, _)) => (hooks.clones() > 0, hooks.clones_alive()),
            None => (false, 0),
        };
        let diagnosis = {
            let mut st = self.recorder.state();
            let at = self.recorder.elapsed();
            let stale_wakes = st.stale_since_poll;
            let waited = at.saturating_sub(st.poll_ended_at);
            st.timeline.push(
                at,
                EventKind::GaveUp {
                    waited,
                    clones_alive: alive,
                    stale_wakes,
                },
            );
            if st.stale_since_poll > 0 {
                Diagnosis::StaleWaker { poll: st.current }
            } else if alive == 0 {
                Diagnosis::LostWakeup {
                    poll: st.current,
                    waker_cloned: cloned,
                }
            } else {
                Diagnosis::StillWaiting {
                    poll: st.current,
                    clones_alive: alive,
                }
            }
        };
        self.failure(diagnosis)
    }

    pub(crate) fn failure(&self, diagnosis: Diagnosis) -> Box<Failure> {
        let st = self.recorder.state();
        Box::new(Failure {
            diagnosis,
            polls: self.polls,
            wakes: st.wakes,
            timeline: st.timeline.clone(),
            context: Box::new(FailureContext {
                name: self.name.clone(),
                grace: self.config.grace,
                threshold: self.config.blocking_threshold,
                timing: self.last_timing,
                computing: false,
                note: self.note,
            }),
        })
    }

    pub(crate) fn finish<T>(&self, output: T) -> Run<T> {
        let st = self.recorder.state();
        let run = Run {
            output,
            polls: self.polls,
            wakes: st.wakes,
            elapsed: self.recorder.elapsed(),
            timeline: st.timeline.clone(),
        };
        if trace_enabled() {
            eprintln!("timeline of {}:\n{}", self.name, run.timeline);
        }
        run
    }
}

/// `GEARS_TRACE=1` (or any value but `0`/empty): print passing timelines.
fn trace_enabled() -> bool {
    std::env::var_os("GEARS_TRACE").is_some_and(|v| !v.is_empty() && v != "0")
}

/// `lesson_02::e01_countdown::Countdown<u8>` -> `Countdown`;
/// an `async` block or fn -> `the async block in <fn>`.
pub(crate) fn short_type_name(full: &str) -> String {
    let base = full.split('<').next().unwrap_or(full);
    let parts: Vec<&str> = base.split("::").collect();
    match parts.iter().rposition(|p| !p.starts_with("{{")) {
        Some(i) if i + 1 == parts.len() => parts[i].to_string(),
        Some(i) => format!("the async block in {}", parts[i]),
        None => "the future".to_string(),
    }
}
