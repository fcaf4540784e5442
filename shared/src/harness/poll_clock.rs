//! Timing one call to `poll`, fairly on a busy machine and inside a sandbox.
//!
//! The blocking check asks "did this `poll` hold its thread too long, and whose fault was it?".
//! Wall-clock time alone cannot answer: on a loaded machine the operating system may take the CPU
//! away in the middle of a perfectly quick poll to run someone else's work, and that pause is not
//! the future's fault. Counting it would fail correct code at random, exactly when grading runs
//! many tests side by side.
//!
//! So each poll is measured three ways, and the verdict ([`PollTiming::verdict`]) uses the best
//! evidence available:
//!
//! - **CPU time and context switches of this thread** ([`Usage::this_thread`], from
//!   `getrusage(RUSAGE_THREAD)`). It needs no `/proc`, so it works in the grading sandbox too.
//!   CPU time says how long the poll *computed* (rule 4 when that alone is over the limit). The
//!   rest of the wall time the thread was off the CPU, and the switches say why: a *voluntary*
//!   switch means the thread asked to wait (a sleep, a lock, a park, a `recv`: rule 3); an
//!   *involuntary* one means the kernel preempted it to run another thread (a busy machine: not
//!   the future's fault, never a failure).
//! - **Run-queue time** from `/proc/thread-self/schedstat`, where it can be read: time the thread
//!   was ready to run but had no CPU. It is subtracted from the off-CPU time, which settles the
//!   mixed case (a poll that both waited briefly and was preempted). Its CPU field is not used:
//!   on some kernels it reads 0 for a thread that has not yet run long.
//! - **Wall-clock time**, always, for the timeline and the message. A poll past the limit in wall
//!   time that still computed a real share of it ([`HEAVY_SHARE`]) is heavy work on a busy
//!   machine: rule 4, even though the CPU it got is below the limit.
//!
//!
//! Two cases are left to judgement, and in both the harness leans towards "not the future's
//! fault", because a false alarm teaches a learner something untrue:
//!
//! - voluntary *and* involuntary switches, and no run-queue figure: the poll is called blocking
//!   only when its off-CPU time is over twice the limit, so that a brief honest wait (a lock
//!   taken for a microsecond) followed by a long preemption is not blamed on the future;
//! - *other threads of this process* were being preempted during the poll. Then even a
//!   voluntary wait may not be the future's: a lock the poll needs without knowing it (glibc's
//!   cache of thread stacks, taken by `thread::spawn` and by every exiting thread; the kernel's
//!   lock on the memory map) can be held by one of those threads while it waits for a CPU.
//!   Measured on a loaded two-core machine, a `thread::spawn` inside a correct poll waited 30 ms
//!   that way, and up to 263 ms with spinning threads in the same process. The harness cannot
//!   tell such a wait from a sleep, so each preemption of another thread during the poll buys
//!   the poll [`WAIT_PER_PREEMPTION`] of excused waiting (one holder waiting one turn for a
//!   CPU), from [`NOISE_PREEMPTIONS`] preemptions on; and in a clearly busy process (at least
//!   [`CONTENDED_PREEMPTIONS`]) a wait counts as blocking only past [`CONTENDED_WAIT`], the
//!   point where the watchdog reports a poll as hung anyway. A process whose other threads are
//!   idle (most tests, run one per process by `cargo xtask`) gets the plain limit.
//!
//!   Measured on the two-core machine, at load 6 and more: a correct poll that spawned a thread
//!   waited 23.6 ms for a lock while only 6 preemptions of other threads were counted, so a
//!   fixed threshold of 8 alone failed correct code about once in ten runs of the test binary.
use std::time::{Duration, Instant};

use crate::cpu::Usage;

/// In a busy process (other threads preempted during the poll), the longest voluntary wait
/// inside one poll that is still put down to the machine rather than the future.
pub(crate) const CONTENDED_WAIT: Duration = Duration::from_secs(1);

/// A poll past the limit in wall time that computed at least `limit / HEAVY_SHARE` is heavy work
/// slowed down by a busy machine, not a quick poll that was preempted (rule 4). Measured: a poll
/// spinning for 40 ms of wall time got 5 ms of CPU at a load of 15 on two cores.
pub(crate) const HEAVY_SHARE: u32 = 4;

/// Preemptions of other threads of the process, during one poll, that make it "busy". Not 1:
/// `getrusage` adds a thread's whole count to the process when the thread exits, so a watchdog
/// or helper thread of an earlier run that ends during the poll shows up as a few preemptions
/// in a quiet process (up to 4 seen). A busy process shows more (11 to 40 seen, when a correct
/// poll waited for a preempted thread's lock).
pub(crate) const CONTENDED_PREEMPTIONS: u64 = 8;

/// Fewer preemptions of other threads than this during one poll are noise (a helper thread
/// that ran for a moment), not a sign that a lock holder was kept off the CPU.
pub(crate) const NOISE_PREEMPTIONS: u64 = 2;

/// Excused waiting per preemption of another thread, below [`CONTENDED_PREEMPTIONS`]: about one
/// turn in the run queue of a loaded two-core machine (measured 5 to 30 ms at load 6 to 15).
pub(crate) const WAIT_PER_PREEMPTION: Duration = Duration::from_millis(25);

/// Started just before `poll`, stopped just after.
pub(crate) struct PollTimer {
    wall: Instant,
    usage: Usage,
    process: Usage,
    sched: Option<SchedStat>,
}

/// What one poll cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PollTiming {
    /// Wall-clock time of the call.
    pub(crate) wall: Duration,
    /// CPU time and context switches of the polling thread during the call.
    pub(crate) usage: Usage,
    /// Part of `wall` spent waiting for a CPU (run queue), if `/proc` could tell.
    pub(crate) queued: Option<Duration>,
    /// Involuntary switches of the *other* threads of this process during the call: how busy
    /// the rest of the process was (see the module docs).
    pub(crate) others_preempted: u64,
}

/// Whose time a poll spent, as far as the evidence shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Within the limit (after leaving out time the thread was preempted).
    Quick,
    /// Computed for longer than the limit: rule 4.
    Computed(Duration),
    /// Waited (slept, locked, parked) for longer than the limit: rule 3.
    Blocked(Duration),
}

impl PollTiming {
    /// Time the thread was off the CPU during the call: waiting, or preempted.
    pub(crate) fn off_cpu(&self) -> Duration {
        self.wall.saturating_sub(self.usage.cpu)
    }

    /// Off-CPU time that was the future's own doing: waiting it asked for. With a run-queue
    /// figure that is the off-CPU time minus the queueing; without one it is all off-CPU time
    /// if the thread switched out voluntarily, and none if it was only preempted.
    pub(crate) fn waited(&self) -> Duration {
        if self.usage.voluntary_switches == 0 {
            return Duration::ZERO;
        }
        self.off_cpu().saturating_sub(self.queued())
    }

    /// Run-queue time, at most the off-CPU time (0 when `/proc` could not tell).
    fn queued(&self) -> Duration {
        self.queued.unwrap_or_default().min(self.off_cpu())
    }

    /// The longest wait put down to other threads' preemptions (see the module docs): none in a
    /// quiet process, [`WAIT_PER_PREEMPTION`] per preemption in a somewhat busy one, and
    /// [`CONTENDED_WAIT`] in a clearly busy one.
    pub(crate) fn excused_wait(&self) -> Duration {
        match self.others_preempted {
            n if n >= CONTENDED_PREEMPTIONS => CONTENDED_WAIT,
            n if n >= NOISE_PREEMPTIONS => WAIT_PER_PREEMPTION * n as u32,
            _ => Duration::ZERO,
        }
    }

    /// The time shown for the poll: wall time minus run-queue time, when known.
    pub(crate) fn took(&self) -> Duration {
        self.wall.saturating_sub(self.queued())
    }

    /// The longest wait inside this poll that is not the future's fault: the limit, twice the
    /// limit when the switches are mixed and `/proc` could not tell (see the module docs), or
    /// what other threads' preemptions excuse, whichever is longest.
    pub(crate) fn allowed_wait(&self, limit: Duration) -> Duration {
        let ambiguous = self.queued.is_none() && self.usage.involuntary_switches > 0;
        let plain = if ambiguous { 2 * limit } else { limit };
        plain.max(self.excused_wait())
    }

    /// Did the poll break rule 3 or 4, with `limit` as the longest acceptable poll?
    pub(crate) fn verdict(&self, limit: Duration) -> Verdict {
        if self.wall <= limit {
            return Verdict::Quick;
        }
        if self.usage.cpu > limit {
            return Verdict::Computed(self.usage.cpu);
        }
        let waited = self.waited();
        let allowed = self.allowed_wait(limit);
        if waited > allowed {
            return Verdict::Blocked(waited);
        }
        // Both together over the limit, neither alone: work with a wait in it. Name the larger.
        let both = self.usage.cpu + waited;
        match both > allowed {
            true if self.usage.cpu >= waited => Verdict::Computed(both),
            true => Verdict::Blocked(both),
            // Held the thread past the limit, computing a real share of the time: heavy work
            // that a busy machine gave only part of a CPU. (A quick poll that was merely
            // preempted computes microseconds.)
            false if self.usage.cpu >= limit / HEAVY_SHARE => Verdict::Computed(self.wall),
            false => Verdict::Quick,
        }
    }
}

impl PollTimer {
    pub(crate) fn start() -> Self {
        // The wall clock starts first and stops last, so every other figure covers a window
        // inside the wall-clock one: time the thread waits for a CPU between two readings can
        // then never make the run-queue figure larger than the call itself.
        let wall = Instant::now();
        let sched = read_schedstat();
        let process = Usage::process();
        let usage = Usage::this_thread();
        Self {
            wall,
            usage,
            process,
            sched,
        }
    }

    pub(crate) fn stop(self) -> PollTiming {
        let usage = Usage::this_thread().since(&self.usage);
        let process = Usage::process().since(&self.process);
        let end = read_schedstat();
        let wall = self.wall.elapsed();
        let others_preempted = process
            .involuntary_switches
            .saturating_sub(usage.involuntary_switches);
        let queued = match (self.sched, end) {
            (Some(a), Some(b)) => Some(Duration::from_nanos(b.queued.saturating_sub(a.queued))),
            _ => None,
        };
        PollTiming {
            wall,
            usage,
            queued,
            others_preempted,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct SchedStat {
    queued: u64,
}

#[cfg(target_os = "linux")]
fn read_schedstat() -> Option<SchedStat> {
    use std::cell::RefCell;
    use std::fs::File;
    use std::os::unix::fs::FileExt;

    thread_local! {
        // Opened once per thread: a positioned read of an open file costs a
        // microsecond or two, cheap enough to do around every poll. Absent
        // (no /proc, as in the grading sandbox) it stays `None`.
        static FILE: RefCell<Option<File>> =
            RefCell::new(File::open("/proc/thread-self/schedstat").ok());
    }
    FILE.try_with(|file| {
        let file = file.try_borrow().ok()?;
        let mut buf = [0u8; 96];
        let n = file.as_ref()?.read_at(&mut buf, 0).ok()?;
        let text = std::str::from_utf8(&buf[..n]).ok()?;
        // Fields: time on CPU, time in the run queue, time slices. Only the second is used.
        let queued = text.split_whitespace().nth(1)?.parse::<u64>().ok()?;
        Some(SchedStat { queued })
    })
    .ok()
    .flatten()
}

#[cfg(not(target_os = "linux"))]
fn read_schedstat() -> Option<SchedStat> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Duration = Duration::from_millis(20);

    fn timing(
        wall: u64,
        cpu: u64,
        voluntary: u64,
        involuntary: u64,
        queued: Option<u64>,
    ) -> PollTiming {
        PollTiming {
            wall: Duration::from_millis(wall),
            usage: Usage {
                cpu: Duration::from_millis(cpu),
                voluntary_switches: voluntary,
                involuntary_switches: involuntary,
                page_faults: 0,
            },
            queued: queued.map(Duration::from_millis),
            others_preempted: 0,
        }
    }

    #[test]
    fn preempted_only_is_never_the_future_s_fault() {
        let t = timing(200, 1, 0, 5, None);
        assert_eq!(t.verdict(LIMIT), Verdict::Quick, "{t:?}");
    }

    #[test]
    fn computing_over_the_limit_is_rule_4() {
        let t = timing(80, 40, 0, 3, None);
        assert_eq!(
            t.verdict(LIMIT),
            Verdict::Computed(Duration::from_millis(40))
        );
    }

    #[test]
    fn heavy_work_slowed_by_a_busy_machine_is_rule_4() {
        // 40 ms of spinning that got 6 ms of CPU: rule 4. A quick poll preempted as long: fine.
        let t = timing(40, 6, 0, 9, None);
        assert_eq!(
            t.verdict(LIMIT),
            Verdict::Computed(Duration::from_millis(40))
        );
        let t = timing(40, 0, 0, 9, None);
        assert_eq!(t.verdict(LIMIT), Verdict::Quick);
    }

    #[test]
    fn sleeping_over_the_limit_is_rule_3() {
        let t = timing(30, 0, 1, 0, None);
        assert_eq!(
            t.verdict(LIMIT),
            Verdict::Blocked(Duration::from_millis(30))
        );
    }

    #[test]
    fn run_queue_time_is_left_out() {
        let t = timing(60, 1, 1, 2, Some(55));
        assert_eq!(t.verdict(LIMIT), Verdict::Quick, "{t:?}");
        let t = timing(60, 1, 1, 2, Some(10));
        assert_eq!(
            t.verdict(LIMIT),
            Verdict::Blocked(Duration::from_millis(49))
        );
    }

    #[test]
    fn mixed_switches_without_proc_need_twice_the_limit() {
        assert_eq!(timing(35, 1, 1, 3, None).verdict(LIMIT), Verdict::Quick);
        assert_eq!(
            timing(60, 1, 1, 3, None).verdict(LIMIT),
            Verdict::Blocked(Duration::from_millis(59))
        );
    }

    #[test]
    fn in_a_busy_process_a_wait_may_be_a_preempted_thread_s_lock() {
        let mut t = timing(60, 1, 2, 0, Some(8));
        assert!(
            matches!(t.verdict(LIMIT), Verdict::Blocked(_)),
            "an idle process: {t:?}"
        );
        t.others_preempted = 1;
        assert!(
            matches!(t.verdict(LIMIT), Verdict::Blocked(_)),
            "one preemption is noise: {t:?}"
        );
        t.others_preempted = 3;
        assert_eq!(t.verdict(LIMIT), Verdict::Quick, "3 × 25 ms excused: {t:?}");
        t.wall = Duration::from_millis(120);
        assert!(
            matches!(t.verdict(LIMIT), Verdict::Blocked(_)),
            "a wait longer than 3 turns of the run queue: {t:?}"
        );
        t.others_preempted = 11;
        assert_eq!(t.verdict(LIMIT), Verdict::Quick, "a busy process: {t:?}");
        t.wall = Duration::from_millis(1_200);
        assert!(
            matches!(t.verdict(LIMIT), Verdict::Blocked(_)),
            "past the contended limit: {t:?}"
        );
    }

    #[test]
    fn a_real_sleep_is_seen_as_waiting() {
        let timer = PollTimer::start();
        std::thread::sleep(Duration::from_millis(40));
        let t = timer.stop();
        assert!(
            t.waited() >= Duration::from_millis(30),
            "a sleep is waiting: {t:?}"
        );
        // Other tests of this binary may be running (and preempted) beside this one.
        let want_blocked = t.waited() > t.allowed_wait(LIMIT);
        assert_eq!(
            matches!(t.verdict(LIMIT), Verdict::Blocked(_)),
            want_blocked,
            "a 40 ms sleep is blocking, unless preemptions (its own or other threads') excuse it: {t:?}"
        );
    }
}
