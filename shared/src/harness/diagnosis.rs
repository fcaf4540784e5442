//! What the harness concludes when a future breaks a rule, and how it says it.
//!
//! The course teaches four rules for `poll`:
//!
//! 1. **Never poll a future again after it returned `Ready`.** (Checked by
//!    [`Probe`](crate::Probe), for code that polls other futures.)
//! 2. **Before returning `Pending`, arrange a wake**: store the waker where
//!    the thing you wait for can call it (or wake it yourself to be polled
//!    again soon). Otherwise nothing ever polls the future again.
//! 3. **`poll` must not block**: no sleeping, joining or waiting inside it. The
//!    executor's thread can do nothing else meanwhile.
//! 4. **`poll` should be quick**: heavy computation belongs on another thread
//!    (for example `tokio::task::spawn_blocking`).
//!
//! A [`Failure`] prints as a message for the learner: the rule on the first
//! line, what to do on the second, then the [timeline](crate::timeline).
use std::fmt;
use std::time::Duration;

use super::poll_clock::PollTiming;
use crate::timeline::{Timeline, ms};

/// Which poll rule was broken.
///
/// Each variant's documentation shows a small future that earns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Diagnosis {
    /// Rule 2, certain: the future returned `Pending`, no wake came, and no
    /// clone of its waker is left anywhere, so nothing can ever poll it again.
    /// Reported as soon as that is true, without waiting out the grace period.
    ///
    /// `waker_cloned` tells the two usual causes apart: `false` means the
    /// waker was never even cloned (nobody *can* wake the future); `true` means
    /// clones were made, but every one was dropped without calling `wake`.
    /// (A clone still held but not woken is [`StillWaiting`](Diagnosis::StillWaiting).)
    ///
    /// ```
    /// use std::future::Future;
    /// use std::pin::Pin;
    /// use std::task::{Context, Poll};
    /// use std::time::Duration;
    /// use shared::{Diagnosis, Harness};
    ///
    /// /// Waits for a flag nobody will set, and keeps no waker: broken.
    /// struct WaitsQuietly;
    /// impl Future for WaitsQuietly {
    ///     type Output = ();
    ///     fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
    ///         Poll::Pending // rule 2 broken: no wake arranged
    ///     }
    /// }
    ///
    /// let failure = Harness::new()
    ///     .grace(Duration::from_millis(50))
    ///     .try_block_on(WaitsQuietly)
    ///     .unwrap_err();
    /// assert_eq!(failure.diagnosis, Diagnosis::LostWakeup { poll: 1, waker_cloned: false });
    /// assert!(failure.to_string().starts_with("lost wakeup (rule 2"));
    /// ```
    LostWakeup {
        /// The poll that returned the last `Pending`.
        poll: u64,
        /// Whether the waker of that poll was cloned (stored) at all.
        waker_cloned: bool,
    },
    /// Probably rule 2, but not certain: the future returned `Pending` and a clone of its newest
    /// waker is still held somewhere, yet nothing woke it within the grace period.
    ///
    /// A lost wakeup (the clone sits where nobody will call it) and an honest long wait (a
    /// timer set for a minute) look the same from outside. The message says so, and tells the
    /// test's author to raise [`Harness::grace`](crate::Harness::grace) if the wait is meant to
    /// be long. (With *no* clone left, the harness is sure: [`LostWakeup`](Diagnosis::LostWakeup).)
    ///
    /// ```
    /// use std::future::Future;
    /// use std::pin::Pin;
    /// use std::task::{Context, Poll, Waker};
    /// use std::time::Duration;
    /// use shared::{Diagnosis, Harness};
    ///
    /// /// Keeps its waker, but nothing will ever use it.
    /// struct Hoards(Option<Waker>);
    /// impl Future for Hoards {
    ///     type Output = ();
    ///     fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
    ///         self.0 = Some(cx.waker().clone());
    ///         Poll::Pending
    ///     }
    /// }
    ///
    /// let failure = Harness::new()
    ///     .grace(Duration::from_millis(50))
    ///     .try_block_on(Hoards(None))
    ///     .unwrap_err();
    /// assert_eq!(failure.diagnosis, Diagnosis::StillWaiting { poll: 1, clones_alive: 1 });
    /// assert!(failure.to_string().contains("raise the grace"));
    /// ```
    StillWaiting {
        /// The poll that returned the last `Pending`.
        poll: u64,
        /// Clones of its waker still alive.
        clones_alive: u64,
    },
    /// Rule 2, newest-waker edition: after poll `poll` handed the future a new
    /// waker, only an *older* waker was woken.
    ///
    /// Executors may give each poll a different waker (combinators such as
    /// `join_all` do), and only the latest one is guaranteed to work. The
    /// harness gives a new waker to every poll to catch futures that keep the
    /// first one forever.
    ///
    /// One allowance: an older waker woken *while a poll is running* still
    /// counts. That happens in correct code when an event fires just as the
    /// future is being polled again, and any real executor would simply poll
    /// once more. Only wakes of an old waker *between* polls are stale.
    ///
    /// ```
    /// use std::future::Future;
    /// use std::pin::Pin;
    /// use std::sync::{Arc, Mutex};
    /// use std::task::{Context, Poll, Waker};
    /// use std::time::Duration;
    /// use shared::{Diagnosis, Harness};
    ///
    /// /// Stores the waker of its FIRST poll only; a thread keeps waking that one.
    /// struct KeepsFirstWaker(Option<Arc<Mutex<Waker>>>);
    /// impl Future for KeepsFirstWaker {
    ///     type Output = ();
    ///     fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
    ///         if self.0.is_none() {
    ///             let slot = Arc::new(Mutex::new(cx.waker().clone()));
    ///             let ticker = slot.clone();
    ///             std::thread::spawn(move || for _ in 0..3 {
    ///                 std::thread::sleep(Duration::from_millis(20));
    ///                 ticker.lock().unwrap().wake_by_ref();
    ///             });
    ///             self.0 = Some(slot); // never updated again: the bug
    ///         }
    ///         Poll::Pending
    ///     }
    /// }
    ///
    /// let failure = Harness::new()
    ///     .grace(Duration::from_millis(100))
    ///     .try_block_on(KeepsFirstWaker(None))
    ///     .unwrap_err();
    /// assert!(matches!(failure.diagnosis, Diagnosis::StaleWaker { .. }));
    /// ```
    StaleWaker {
        /// The poll whose (newest) waker was never woken.
        poll: u64,
    },
    /// Rule 3 (or 4): one call to `poll` took longer than the blocking
    /// threshold. Time the thread spent waiting for a free CPU is not counted.
    ///
    /// ```
    /// use std::time::Duration;
    /// use shared::{Diagnosis, Harness};
    ///
    /// let failure = Harness::new()
    ///     .try_block_on(async {
    ///         std::thread::sleep(Duration::from_millis(30)); // rule 3 broken
    ///     })
    ///     .unwrap_err();
    /// assert!(matches!(failure.diagnosis, Diagnosis::BlockingPoll { poll: 1, .. }));
    /// assert!(failure.to_string().contains("rule 3"));
    /// ```
    BlockingPoll {
        /// Which poll.
        poll: u64,
        /// How long it took.
        took: Duration,
    },
    /// The future was polled more than `max_polls` times and is still not
    /// done: it keeps asking to be polled again (usually by waking itself
    /// every time) instead of waiting for something to happen.
    ///
    /// ```
    /// use std::future::Future;
    /// use std::pin::Pin;
    /// use std::task::{Context, Poll};
    /// use shared::{Diagnosis, Harness};
    ///
    /// /// "Waits" by asking to be polled again, forever.
    /// struct Spins;
    /// impl Future for Spins {
    ///     type Output = ();
    ///     fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
    ///         cx.waker().wake_by_ref();
    ///         Poll::Pending
    ///     }
    /// }
    ///
    /// let failure = Harness::new().max_polls(100).try_block_on(Spins).unwrap_err();
    /// assert_eq!(failure.diagnosis, Diagnosis::BusyPolling { polls: 100 });
    /// ```
    BusyPolling {
        /// Polls so far.
        polls: u64,
    },
}

/// A broken rule, with the evidence. `Display` gives the learner's message.
#[derive(Debug, Clone)]
pub struct Failure {
    /// Which rule.
    pub diagnosis: Diagnosis,
    /// Polls before the failure.
    pub polls: u64,
    /// Wakes before the failure (stale wakes not counted).
    pub wakes: u64,
    /// What happened, in order.
    pub timeline: Timeline,
    pub(crate) context: Box<FailureContext>,
}

/// The harness settings and measurements a message needs.
#[derive(Debug, Clone)]
pub(crate) struct FailureContext {
    pub(crate) name: String,
    pub(crate) grace: Duration,
    pub(crate) threshold: Duration,
    /// What the last poll cost: wall, CPU, context switches.
    pub(crate) timing: Option<PollTiming>,
    /// For a blocking poll: the time over the limit was spent computing (rule 4), not waiting.
    pub(crate) computing: bool,
    /// An extra line for the message, e.g. about the runtime in use.
    pub(crate) note: Option<&'static str>,
}

impl Failure {
    /// The name of the future in messages (see [`Harness::named`](crate::Harness::named)).
    pub fn name(&self) -> &str {
        &self.context.name
    }

    /// The rule number this failure breaks (2, 3 or 4; busy polling has none).
    pub fn rule(&self) -> Option<u8> {
        match self.diagnosis {
            Diagnosis::LostWakeup { .. }
            | Diagnosis::StaleWaker { .. }
            | Diagnosis::StillWaiting { .. } => Some(2),
            Diagnosis::BlockingPoll { .. } if self.mostly_computing() => Some(4),
            Diagnosis::BlockingPoll { .. } => Some(3),
            Diagnosis::BusyPolling { .. } => None,
        }
    }

    /// The first line of the message: rule and what happened.
    pub fn headline(&self) -> String {
        let name = &self.context.name;
        match self.diagnosis {
            Diagnosis::LostWakeup {
                poll,
                waker_cloned: false,
            } => format!(
                "lost wakeup (rule 2: arrange a wake before returning Pending): poll #{poll} of \
                 {name} returned Pending but never cloned or used its waker, so nothing will \
                 ever poll it again."
            ),
            Diagnosis::LostWakeup {
                poll,
                waker_cloned: true,
            } => format!(
                "lost wakeup (rule 2: arrange a wake before returning Pending): poll #{poll} of \
                 {name} returned Pending and cloned its waker, but every clone was dropped \
                 without calling wake(), so nothing will ever poll it again."
            ),
            Diagnosis::StillWaiting { poll, clones_alive } => format!(
                "still waiting after {} (rule 2: arrange a wake before returning Pending): poll \
                 #{poll} of {name} returned Pending; {} of its waker {} still held somewhere, \
                 but nothing has called wake() on it yet. If this wait is meant to be that long, \
                 raise the grace with Harness::grace; otherwise it is a lost wakeup.",
                ms(self.context.grace),
                plural(clones_alive, "clone"),
                if clones_alive == 1 { "is" } else { "are" },
            ),
            Diagnosis::StaleWaker { poll } => format!(
                "stale waker (rule 2: arrange a wake before returning Pending, with the waker of \
                 the latest poll): poll #{poll} of {name} got a new waker, but afterwards only \
                 the waker of an earlier poll was woken. An executor may listen only to the \
                 newest waker, so nothing will poll it again."
            ),
            Diagnosis::BlockingPoll { poll, took } if self.mostly_computing() => {
                let cpu = self.context.timing.map_or(took, |t| t.usage.cpu);
                format!(
                    "slow poll (rule 4: poll should be quick): poll #{poll} of {name} kept its \
                     thread for {}, computing for {} of it (the limit is {}); while poll runs, \
                     its executor thread can run nothing else.",
                    ms(took),
                    ms(cpu.min(took)),
                    ms(self.context.threshold)
                )
            }
            Diagnosis::BlockingPoll { poll, took } => format!(
                "blocking poll (rule 3: poll must not block): poll #{poll} of {name} waited {} \
                 inside poll (the limit is {}); while poll runs, its executor thread can run \
                 nothing else.",
                ms(took),
                ms(self.context.threshold)
            ),
            Diagnosis::BusyPolling { polls } => format!(
                "busy polling (wake only when there is news): {name} was polled {polls} times \
                 and is still not Ready. It asks to be polled again right away, over and over, \
                 so it burns a CPU instead of waiting."
            ),
        }
    }

    /// The second line of the message: what to change.
    pub fn hint(&self) -> &'static str {
        match self.diagnosis {
            Diagnosis::LostWakeup {
                waker_cloned: false,
                ..
            } => {
                "What to do: before returning Pending, put `cx.waker().clone()` where the thing \
                 you wait for can call it (a shared slot, a timer, a channel), or call \
                 `cx.waker().wake_by_ref()` to be polled again soon."
            }
            Diagnosis::LostWakeup {
                waker_cloned: true, ..
            } => {
                "What to do: follow the clone. Who was meant to call `wake()` on it: does that \
                 code keep it (not drop it, not replace it) until the event happens, and does \
                 it really call `wake()`?"
            }
            Diagnosis::StillWaiting { .. } => {
                "What to do: follow the stored waker. Is the code that should call `wake()` \
                 reached at all? Does it wake the clone you stored, or a copy taken earlier?"
            }
            Diagnosis::StaleWaker { .. } => {
                "What to do: on every poll, replace the stored waker with the one in `cx` \
                 (`clone_from`, or clone unless `stored.will_wake(cx.waker())`), and make the \
                 waking side read the stored waker when it fires, not a copy taken earlier."
            }
            Diagnosis::BlockingPoll { .. } if self.mostly_computing() => {
                "What to do: move the heavy computation out of poll, to another thread (for \
                 example tokio::task::spawn_blocking), and await its result; or do the work in \
                 small slices, yielding between them."
            }
            Diagnosis::BlockingPoll { .. } => {
                "What to do: never sleep, join a thread or wait for a lock, channel or I/O \
                 inside poll; return Pending and arrange a wake instead. Move heavy computation \
                 to another thread (for example tokio::task::spawn_blocking)."
            }
            Diagnosis::BusyPolling { .. } => {
                "What to do: call `wake()` only when the thing you wait for has happened; \
                 waking yourself before every Pending turns waiting into spinning."
            }
        }
    }

    fn mostly_computing(&self) -> bool {
        matches!(self.diagnosis, Diagnosis::BlockingPoll { .. }) && self.context.computing
    }

    /// For a blocking poll: what the kernel counted, so the learner sees the evidence.
    fn evidence(&self) -> Option<String> {
        let timing = self.context.timing?;
        if !matches!(self.diagnosis, Diagnosis::BlockingPoll { .. }) {
            return None;
        }
        let queued = match timing.queued {
            Some(q) => format!(", {} waiting for a free CPU (not counted)", ms(q)),
            None => String::new(),
        };
        Some(format!(
            "Measured: the call took {} of wall time, {} of it computing{queued}; the thread gave \
             up the CPU {} times to wait (sleep, lock, park, recv) and was preempted {} times \
             (other threads of this process: {}); {} page faults.",
            ms(timing.wall),
            ms(timing.usage.cpu),
            timing.usage.voluntary_switches,
            timing.usage.involuntary_switches,
            timing.others_preempted,
            timing.usage.page_faults,
        ))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.headline())?;
        writeln!(f, "{}", self.hint())?;
        if let Some(note) = self.context.note {
            writeln!(f, "{note}")?;
        }
        if let Some(evidence) = self.evidence() {
            writeln!(f, "{evidence}")?;
        }
        writeln!(
            f,
            "timeline ({}, {}):",
            plural(self.polls, "poll"),
            plural(self.wakes, "wake")
        )?;
        write!(f, "{}", self.timeline)
    }
}

impl std::error::Error for Failure {}

/// `1 poll`, `2 polls`.
fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
