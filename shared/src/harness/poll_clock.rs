//! Timing one call to `poll`, fairly on a busy machine.
//!
//! The blocking check asks "how long did this `poll` take?". The honest answer
//! is not simply the wall-clock time: on a loaded machine the operating system
//! may pause our thread for a few milliseconds in the middle of a perfectly
//! quick poll, to run someone else's work. That pause is not the future's
//! fault, and counting it would fail correct code at random.
//!
//! On Linux each thread's `/proc/thread-self/schedstat` says how long it has
//! run on a CPU and how long it has waited in the run queue (ready to run, but
//! no CPU free). We subtract the waiting, so what is left is time the poll
//! really spent: computing (rule 4) or blocked sleeping/waiting (rule 3).
//! Elsewhere we fall back to wall-clock time.
use std::time::{Duration, Instant};

/// Started just before `poll`, stopped just after.
pub(crate) struct PollTimer {
    wall: Instant,
    sched: Option<SchedStat>,
}

/// What one poll cost.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PollTiming {
    /// Wall-clock time of the call.
    pub(crate) wall: Duration,
    /// Part of `wall` spent running on a CPU, if known.
    pub(crate) cpu: Option<Duration>,
    /// Part of `wall` spent waiting for a CPU, if known.
    pub(crate) queued: Option<Duration>,
}

impl PollTiming {
    /// Wall-clock time minus time spent waiting for a CPU.
    pub(crate) fn took(&self) -> Duration {
        self.wall.saturating_sub(self.queued.unwrap_or_default())
    }
}

impl PollTimer {
    pub(crate) fn start() -> Self {
        let sched = read_schedstat();
        Self {
            wall: Instant::now(),
            sched,
        }
    }

    pub(crate) fn stop(self) -> PollTiming {
        let wall = self.wall.elapsed();
        let end = read_schedstat();
        let (cpu, queued) = match (self.sched, end) {
            (Some(a), Some(b)) => (
                Some(Duration::from_nanos(b.on_cpu.saturating_sub(a.on_cpu))),
                Some(Duration::from_nanos(b.queued.saturating_sub(a.queued))),
            ),
            _ => (None, None),
        };
        PollTiming { wall, cpu, queued }
    }
}

#[derive(Debug, Clone, Copy)]
struct SchedStat {
    on_cpu: u64,
    queued: u64,
}

#[cfg(target_os = "linux")]
fn read_schedstat() -> Option<SchedStat> {
    use std::cell::RefCell;
    use std::fs::File;
    use std::os::unix::fs::FileExt;

    thread_local! {
        // Opened once per thread: a positioned read of an open file costs a
        // microsecond or two, cheap enough to do around every poll.
        static FILE: RefCell<Option<File>> =
            RefCell::new(File::open("/proc/thread-self/schedstat").ok());
    }
    FILE.try_with(|file| {
        let file = file.try_borrow().ok()?;
        let mut buf = [0u8; 96];
        let n = file.as_ref()?.read_at(&mut buf, 0).ok()?;
        let text = std::str::from_utf8(&buf[..n]).ok()?;
        let mut fields = text.split_whitespace().map(|f| f.parse::<u64>().ok());
        Some(SchedStat {
            on_cpu: fields.next()??,
            queued: fields.next()??,
        })
    })
    .ok()
    .flatten()
}

#[cfg(not(target_os = "linux"))]
fn read_schedstat() -> Option<SchedStat> {
    None
}
