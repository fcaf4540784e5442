//! The shared notebook of one harness run, and the wakers that write in it.
//!
//! The harness gives the future under test its own wakers ([`PollWaker`]).
//! Each one knows which poll it was made for, so when one is woken the
//! [`Recorder`] can tell a *useful* wake (the newest waker, or any waker while
//! a poll is still running) from a *stale* one (an older waker, after a newer
//! poll has finished: a real combinator would not be listening to it any more).
//!
//! Everything here is shared between the thread driving the future, the
//! threads that wake it and, in async mode, the watchdog thread; so the state
//! sits behind one mutex, and a condition variable tells waiters that it
//! changed.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::Waker;
use std::time::{Duration, Instant};

use crate::timeline::{EventKind, PollOutcome, Timeline};
use crate::wakers::{WakeHooks, current_thread_name, lock};

pub(crate) struct Recorder {
    start: Instant,
    /// Live wakers of this run, every poll's together: the harness's handle to the newest one
    /// plus every clone the future (or anyone it gave one to) still holds.
    live_wakers: AtomicU64,
    /// A new waker for each poll (so older ones can be stale).
    fresh: bool,
    state: Mutex<State>,
    /// Signalled whenever `state` changes in a way a waiter cares about.
    changed: Condvar,
    /// Signalled when the watchdog's alarms change (armed, finished). Not on every poll or wake:
    /// a watchdog woken while a poll runs would be one more thread to preempt, and a busy
    /// process makes the blocking check lenient (see `poll_clock`).
    watchdog: Condvar,
}

pub(crate) struct State {
    pub(crate) timeline: Timeline,
    /// The poll whose waker is the newest.
    pub(crate) current: u64,
    /// A poll call is in progress.
    polling: bool,
    /// A useful wake arrived since the newest poll started.
    pub(crate) woken: bool,
    /// Name of the thread running the current poll.
    poller: String,
    /// Stale wakes since the newest poll started.
    pub(crate) stale_since_poll: u64,
    /// Useful wakes in total.
    pub(crate) wakes: u64,
    /// Async mode: the waker of the tokio task running the harness.
    task_waker: Option<Waker>,
    /// Async mode: when the watchdog should give up waiting.
    deadline: Option<Instant>,
    /// Async mode: the watchdog gave up.
    pub(crate) timed_out: bool,
    /// The run is over; the watchdog should exit.
    finished: bool,
    /// When the running poll started (`None` between polls).
    poll_started: Option<Instant>,
    /// The watchdog already reported the running poll as hung.
    hang_reported: bool,
    /// Every clone of the newest waker was dropped with no useful wake since the poll: a
    /// certain lost wakeup, reported without waiting out the grace period.
    pub(crate) all_dropped: bool,
    /// When the latest poll returned (since the run started).
    pub(crate) poll_ended_at: Duration,
}

impl Recorder {
    pub(crate) fn new(fresh: bool) -> Arc<Self> {
        Arc::new(Self {
            start: Instant::now(),
            live_wakers: AtomicU64::new(0),
            fresh,
            state: Mutex::new(State {
                timeline: Timeline::default(),
                current: 0,
                polling: false,
                poller: String::new(),
                woken: false,
                stale_since_poll: 0,
                wakes: 0,
                task_waker: None,
                deadline: None,
                timed_out: false,
                finished: false,
                poll_started: None,
                hang_reported: false,
                all_dropped: false,
                poll_ended_at: Duration::ZERO,
            }),
            changed: Condvar::new(),
            watchdog: Condvar::new(),
        })
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub(crate) fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// A waker of poll `poll` was woken.
    fn on_wake(&self, poll: u64, by_ref: bool) {
        let thread = current_thread_name();
        let mut st = self.state();
        let stale = self.fresh && poll < st.current && !st.polling;
        let during_poll = st.polling.then_some(st.current);
        let at = self.elapsed();
        // A future waking its own waker during its poll is already shown as
        // "Pending (woke itself)"; only wakes from elsewhere get a line.
        let own_wake = during_poll == Some(poll) && thread == st.poller;
        if !own_wake {
            st.timeline.push(
                at,
                EventKind::Wake {
                    by_ref,
                    thread,
                    waker_of_poll: poll,
                    stale,
                    during_poll,
                },
            );
        }
        if stale {
            st.stale_since_poll += 1;
            return;
        }
        st.wakes += 1;
        st.woken = true;
        st.deadline = None;
        let task = st.task_waker.clone();
        drop(st);
        self.changed.notify_all();
        if let Some(task) = task {
            task.wake();
        }
    }

    /// Clones of any waker of this run still held outside the harness (its own handle to the
    /// newest waker not counted). Zero after a `Pending` means nothing can ever wake the future.
    pub(crate) fn clones_alive(&self) -> u64 {
        self.live_wakers.load(Ordering::SeqCst).saturating_sub(1)
    }

    /// A waker was dropped. If only the harness's own handle is left and no useful wake came,
    /// nothing can wake the future any more: tell whoever waits.
    fn on_waker_dropped(&self) {
        if self.live_wakers.fetch_sub(1, Ordering::SeqCst) != 2 {
            return;
        }
        let mut st = self.state();
        if st.woken || st.polling || st.finished {
            return;
        }
        st.all_dropped = true;
        st.deadline = None;
        st.timed_out = true;
        let task = st.task_waker.clone();
        drop(st);
        self.changed.notify_all();
        if let Some(task) = task {
            task.wake();
        }
    }

    /// Marks the start of poll `poll`; returns the timeline slot of its event.
    pub(crate) fn begin_poll(&self, poll: u64) -> Option<usize> {
        let mut st = self.state();
        st.current = poll;
        st.all_dropped = false;
        st.polling = true;
        st.poller = current_thread_name();
        st.woken = false;
        st.stale_since_poll = 0;
        st.deadline = None;
        st.poll_started = Some(Instant::now());
        st.hang_reported = false;
        let at = self.elapsed();
        let slot = st.timeline.push(
            at,
            EventKind::Poll {
                poll,
                outcome: PollOutcome::Running,
                took: Duration::ZERO,
            },
        );
        drop(st);
        slot
    }

    /// Marks the end of a poll and fills in its event.
    pub(crate) fn end_poll(
        &self,
        slot: Option<usize>,
        ready: bool,
        waker_cloned: bool,
        took: Duration,
    ) {
        let ended = self.elapsed();
        let mut st = self.state();
        st.polling = false;
        st.poll_started = None;
        st.poll_ended_at = ended;
        let outcome = if ready {
            PollOutcome::Ready
        } else {
            PollOutcome::Pending {
                waker_cloned,
                woke_itself: st.woken,
            }
        };
        let poll = st.current;
        if let Some(event) = st.timeline.get_mut(slot) {
            event.kind = EventKind::Poll {
                poll,
                outcome,
                took,
            };
        }
    }

    /// Sync mode: waits up to `grace` for a useful wake. True if one came; false when the grace
    /// ran out or every clone of the newest waker was dropped first.
    pub(crate) fn wait_for_wake(&self, grace: Duration) -> bool {
        let deadline = Instant::now() + grace;
        let mut st = self.state();
        loop {
            if st.woken {
                return true;
            }
            if st.all_dropped {
                return false;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            st = self
                .changed
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Async mode: remembers the task's waker, so useful wakes reach tokio.
    pub(crate) fn set_task_waker(&self, waker: &Waker) {
        let mut st = self.state();
        let old = match &st.task_waker {
            Some(old) if old.will_wake(waker) => None,
            _ => st.task_waker.replace(waker.clone()),
        };
        drop(st);
        drop(old); // outside the lock: dropping a waker may run foreign code
    }

    /// Async mode: after a `Pending` with no wake yet, starts the watchdog's
    /// clock.
    pub(crate) fn arm(&self, grace: Duration) {
        let mut st = self.state();
        if !st.woken {
            st.deadline = Some(Instant::now() + grace);
            drop(st);
            self.watchdog.notify_all();
        }
    }

    /// The run is over: lets the watchdog thread exit.
    pub(crate) fn finish(&self) {
        let mut st = self.state();
        st.finished = true;
        let task = st.task_waker.take();
        drop(st);
        drop(task); // outside the lock: dropping a waker may run foreign code
        self.changed.notify_all();
        self.watchdog.notify_all();
    }

    /// The watchdog's loop. Sleeps until one of two alarms is due:
    ///
    /// - async mode: the grace period after a `Pending` passed without a wake:
    ///   flag `timed_out` and wake the task so it can report it;
    /// - any mode: a single poll has been running for `hang_after` without
    ///   returning: call `on_hang` once for that poll (the driving thread is
    ///   stuck inside `poll`, so nobody else can say it).
    ///
    /// A new poll does not wake it (see [`Recorder::watchdog`]); it looks every quarter of
    /// `hang_after` instead, so a hang is reported between `hang_after` and 1.25 times that.
    pub(crate) fn watch(&self, hang_after: Duration, on_hang: impl Fn(u64, Duration)) {
        let look_every = hang_after / 4;
        let mut st = self.state();
        loop {
            if st.finished {
                return;
            }
            let now = Instant::now();
            if st.deadline.is_some_and(|d| now >= d) {
                st.deadline = None;
                st.timed_out = true;
                let task = st.task_waker.clone();
                drop(st);
                if let Some(task) = task {
                    task.wake();
                }
                st = self.state();
                continue;
            }
            let hang_alarm = match st.poll_started {
                Some(started) if !st.hang_reported => Some(started + hang_after),
                _ => None,
            };
            if let Some(alarm) = hang_alarm.filter(|&a| now >= a) {
                st.hang_reported = true;
                let poll = st.current;
                drop(st);
                on_hang(poll, now - (alarm - hang_after));
                st = self.state();
                continue;
            }
            let next = [st.deadline, hang_alarm].into_iter().flatten().min();
            let wait = next.map_or(look_every, |t| (t - now).min(look_every));
            st = self
                .watchdog
                .wait_timeout(st, wait)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }
}

/// The waker handed to one poll. Counts its clones and drops, and reports
/// wakes to the [`Recorder`] with its poll number.
pub(crate) struct PollWaker {
    recorder: Arc<Recorder>,
    poll: u64,
    clones: AtomicU64,
    drops: AtomicU64,
}

impl PollWaker {
    /// A waker for poll `poll`; the caller turns it into the harness's handle (counted live).
    pub(crate) fn new(recorder: Arc<Recorder>, poll: u64) -> Arc<Self> {
        recorder.live_wakers.fetch_add(1, Ordering::SeqCst);
        Arc::new(Self {
            recorder,
            poll,
            clones: AtomicU64::new(0),
            drops: AtomicU64::new(0),
        })
    }

    pub(crate) fn clones(&self) -> u64 {
        self.clones.load(Ordering::SeqCst)
    }

    /// Clones still held somewhere (the harness's own handle not counted).
    pub(crate) fn clones_alive(&self) -> u64 {
        self.clones()
            .saturating_sub(self.drops.load(Ordering::SeqCst))
    }
}

impl WakeHooks for PollWaker {
    fn on_wake(&self, by_ref: bool) {
        self.recorder.on_wake(self.poll, by_ref);
    }
    fn on_clone(&self) {
        self.clones.fetch_add(1, Ordering::SeqCst);
        self.recorder.live_wakers.fetch_add(1, Ordering::SeqCst);
    }
    fn on_drop(&self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
        self.recorder.on_waker_dropped();
    }
}
