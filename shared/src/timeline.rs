//! The timeline: what happened, in order, while a future was driven.
//!
//! Async code is hard to follow because the interesting things happen *between*
//! polls: a thread calls `wake()`, the executor notices, the future runs again.
//! The [`Harness`](crate::Harness) writes each of those moments down with the
//! time since the first poll, and prints the list inside every failure message
//! (and for passing runs when `GEARS_TRACE=1` is set):
//!
//! ```text
//!     +0.00 ms  poll #1 -> Pending (waker cloned)
//!    +50.12 ms  wake from thread "delay"
//!    +50.20 ms  poll #2 -> Ready
//! ```
//!
//! Reading one: poll #1 stored its waker and returned `Pending`; 50 ms later a
//! thread named `delay` called `wake()`; right after, poll #2 finished the job.
use std::fmt;
use std::time::Duration;

/// Longest timeline printed in full; longer ones keep their start and end.
const PRINT_LIMIT: usize = 30;
/// Events kept in memory; beyond this only the count grows (a busy-polling
/// future can produce tens of thousands).
const STORE_LIMIT: usize = 20_000;

/// Events recorded while a future is driven, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    events: Vec<Event>,
    not_stored: usize,
}

/// One moment of a [`Timeline`].
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Wall-clock time since the first poll started.
    pub at: Duration,
    /// What happened.
    pub kind: EventKind,
}

/// What happened at an [`Event`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EventKind {
    /// A call to `poll` (the time is when it started).
    Poll {
        /// 1 for the first poll.
        poll: u64,
        /// What it returned.
        outcome: PollOutcome,
        /// How long the call took (time spent waiting for a CPU left out).
        took: Duration,
    },
    /// A waker was woken.
    Wake {
        /// `wake_by_ref()` rather than `wake()`.
        by_ref: bool,
        /// Name of the thread that called it.
        thread: String,
        /// The poll whose waker this was (with a fresh waker per poll).
        waker_of_poll: u64,
        /// The waker was from an older poll, so the wake was ignored.
        stale: bool,
        /// The wake arrived while this poll was running.
        during_poll: Option<u64>,
    },
    /// The harness stopped waiting for a wake.
    GaveUp {
        /// How long it waited after the last `Pending`.
        waited: Duration,
        /// Clones of the newest waker still alive somewhere (not counting the
        /// harness's own handle).
        clones_alive: u64,
        /// Stale wakes arrived meanwhile (so the newest waker was the one
        /// missing).
        stale_wakes: u64,
    },
}

/// What one poll returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollOutcome {
    /// `Poll::Pending`.
    Pending {
        /// The waker given to this poll was cloned (normally: stored for later).
        waker_cloned: bool,
        /// The future woke its own waker during the poll (it asked to be polled
        /// again straight away).
        woke_itself: bool,
    },
    /// `Poll::Ready`.
    Ready,
    /// The poll has not returned (yet), or it panicked.
    Running,
}

impl Timeline {
    /// The recorded events, oldest first (at most 20,000 are kept).
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Number of events, including any that were not kept in memory.
    pub fn len(&self) -> usize {
        self.events.len() + self.not_stored
    }

    /// Nothing recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many wakes came from a stale (older) waker.
    pub fn stale_wakes(&self) -> usize {
        let stale = |e: &&Event| matches!(e.kind, EventKind::Wake { stale: true, .. });
        self.events.iter().filter(stale).count()
    }

    /// Names of the threads that woke the future (non-stale wakes), in order.
    pub fn wake_threads(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Wake {
                    thread,
                    stale: false,
                    ..
                } => Some(thread.clone()),
                _ => None,
            })
            .collect()
    }

    pub(crate) fn push(&mut self, at: Duration, kind: EventKind) -> Option<usize> {
        if self.events.len() >= STORE_LIMIT {
            self.not_stored += 1;
            return None;
        }
        self.events.push(Event { at, kind });
        Some(self.events.len() - 1)
    }

    pub(crate) fn get_mut(&mut self, index: Option<usize>) -> Option<&mut Event> {
        index.and_then(|i| self.events.get_mut(i))
    }
}

impl fmt::Display for Timeline {
    /// One line per event; long timelines keep their first and last events.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.events.len();
        if n <= PRINT_LIMIT {
            for event in &self.events {
                writeln!(f, "{event}")?;
            }
        } else {
            let head = PRINT_LIMIT / 2;
            let tail = PRINT_LIMIT - head - 1;
            for event in &self.events[..head] {
                writeln!(f, "{event}")?;
            }
            writeln!(f, "  ... {} more events ...", n - head - tail)?;
            for event in &self.events[n - tail..] {
                writeln!(f, "{event}")?;
            }
        }
        if self.not_stored > 0 {
            writeln!(f, "  ({} later events were not recorded)", self.not_stored)?;
        }
        Ok(())
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:>11}  {}", format!("+{}", ms(self.at)), self.kind)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventKind::Poll {
                poll,
                outcome,
                took,
            } => {
                write!(f, "poll #{poll} -> ")?;
                match outcome {
                    PollOutcome::Ready => write!(f, "Ready")?,
                    PollOutcome::Running => write!(f, "did not return")?,
                    PollOutcome::Pending {
                        woke_itself: true, ..
                    } => write!(f, "Pending (woke itself)")?,
                    PollOutcome::Pending {
                        waker_cloned: true, ..
                    } => write!(f, "Pending (waker cloned)")?,
                    PollOutcome::Pending { .. } => write!(f, "Pending (waker not cloned)")?,
                }
                if *took >= Duration::from_millis(1) {
                    write!(f, " after {}", ms(*took))?;
                }
                Ok(())
            }
            EventKind::Wake {
                by_ref,
                thread,
                waker_of_poll,
                stale,
                during_poll,
            } => {
                let call = if *by_ref { "wake_by_ref" } else { "wake" };
                write!(f, "{call} from thread \"{thread}\"")?;
                if *stale {
                    write!(f, " of the STALE waker of poll #{waker_of_poll}: ignored")?;
                } else if let Some(p) = during_poll {
                    if p != waker_of_poll {
                        write!(f, " of the waker of poll #{waker_of_poll}")?;
                    }
                    write!(f, " during poll #{p}")?;
                }
                Ok(())
            }
            EventKind::GaveUp {
                waited,
                clones_alive,
                stale_wakes,
            } => {
                let which = if *stale_wakes > 0 {
                    "of the newest waker "
                } else {
                    ""
                };
                write!(f, "no wake {which}arrived within {}", ms(*waited))?;
                match clones_alive {
                    0 => write!(f, " and no clone of the waker is left to wake it")?,
                    1 => write!(f, " (1 clone of the waker is still held)")?,
                    n => write!(f, " ({n} clones of the waker are still held)")?,
                }
                write!(f, ": giving up")
            }
        }
    }
}

/// `12.34 ms`, with fewer decimals as the number grows.
pub(crate) fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if d.subsec_nanos().is_multiple_of(1_000_000) {
        format!("{} ms", d.as_millis()) // a setting like 20 ms: no decimals
    } else if ms < 100.0 {
        format!("{ms:.2} ms")
    } else if ms < 1000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}
