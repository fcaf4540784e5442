//! The watchdog: a wall-clock alarm thread, one per harness run.
//!
//! Two situations cannot be reported by the thread that drives the future:
//!
//! - **Async mode, lost wakeup.** Inside tokio the harness cannot sleep on its
//!   own thread (that would block the runtime), and it cannot use
//!   `tokio::time` for the grace period either: with paused time
//!   (`start_paused = true`) tokio jumps virtual time forward as soon as every
//!   task is idle, so a 1 s virtual timeout would fire *before* a correct
//!   future's 10 s virtual sleep. A lost wakeup is a wall-clock fact ("nothing
//!   happened for a while"), so a real thread measures it: when the grace
//!   period passes without a wake, it flags a timeout and wakes the tokio task
//!   so the harness can report it.
//! - **A poll that never returns** (it sleeps, joins or waits forever: rule 3).
//!   The driving thread is stuck inside `poll`, so the harness cannot fail the
//!   test. The watchdog writes the diagnosis to stderr after one second, so the
//!   learner sees the broken rule even if the test is later killed for taking
//!   too long. With `GEARS_ABORT_ON_HANG=1` it then aborts the process, which
//!   ends the test at once (useful when each test runs in its own process, as
//!   under `cargo xtask check`).
//!
//! The thread sleeps on a condition variable between alarms, and exits when the
//! run ends (or its future is dropped).
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use super::recorder::Recorder;
use crate::timeline::ms;

/// Stops the watchdog thread when dropped.
pub(crate) struct Watchdog {
    recorder: Arc<Recorder>,
}

impl Watchdog {
    /// Starts the thread. `hang_after`: how long one poll may run before it is
    /// reported as hung.
    pub(crate) fn start(recorder: Arc<Recorder>, name: String, hang_after: Duration) -> Self {
        let watched = recorder.clone();
        let spawned = std::thread::Builder::new()
            .name("gears-watchdog".into())
            .spawn(move || {
                watched.watch(hang_after, |poll, running| {
                    report_hang(&name, poll, running)
                });
            });
        // Without the thread we lose the alarms, but a correct future still
        // runs fine; so a failed spawn is not worth a panic.
        drop(spawned);
        Self { recorder }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.recorder.finish();
    }
}

/// Writes the hang diagnosis straight to stderr (not through `eprintln!`,
/// which the test runner captures and would only show once the test ends).
fn report_hang(name: &str, poll: u64, running: Duration) {
    let message = format!(
        "\nblocking poll (rule 3: poll must not block): poll #{poll} of {name} has been running \
         for {} and has not returned; the test cannot finish while poll is stuck.\nWhat to do: \
         look for sleep, join, park, recv or lock calls inside poll (or inside a block_on you \
         wrote: does its waker really wake the thread that waits?).\n",
        ms(running)
    );
    let _ = std::io::stderr().write_all(message.as_bytes());
    if std::env::var_os("GEARS_ABORT_ON_HANG").is_some_and(|v| !v.is_empty() && v != "0") {
        std::process::abort();
    }
}
