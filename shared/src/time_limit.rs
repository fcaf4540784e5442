//! A time limit for test code that runs on real threads.
//!
//! Most tests in this course drive futures through the [`Harness`](crate::Harness), which turns a
//! lost wakeup into a failure by itself. But some tests run code the harness does not drive: a
//! runtime the learner built by hand, a `block_on` of their own, a worker pool. If that code hangs,
//! the test would hang too, and the learner would only see the course tool stop it after its time
//! limit with nothing to say. [`within`] runs such code on a helper thread and fails the test with a
//! sentence of the author's choosing when it takes too long.
//!
//! For async code under tokio, use [`finishes`](crate::testing::finishes) instead: a bare
//! `tokio::time::timeout` catches a future that waits for nothing (under paused time it fails at
//! once), but not one that keeps the runtime busy (a loop around `yield_now` never lets the paused
//! clock move, so the timeout never fires); `finishes` watches the real clock as well.
//!
//! ```
//! use std::time::Duration;
//! use shared::time_limit::within;
//!
//! let sum = within(Duration::from_secs(1), "adding up never finished", || (1..=4).sum::<u32>());
//! assert_eq!(sum, 10);
//! ```

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// Runs `f` on a helper thread and waits at most `limit` for its result.
///
/// A panic inside `f` is re-raised on the calling thread, so the test shows `f`'s own message.
/// Running out of time fails with `still running after {limit}: {what}`. The helper thread is
/// left behind on a timeout (threads cannot be killed); the test process ends soon after anyway.
pub fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    let worker = thread::Builder::new()
        .name("time-limited".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .expect("spawning the time-limited thread");
    match rx.recv_timeout(limit) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the time-limited thread ended without a result"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("still running after {limit:?}: {what}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "still running after 50ms: it never stops")]
    fn a_hang_becomes_a_failure() {
        within(Duration::from_millis(50), "it never stops", || {
            thread::sleep(Duration::from_secs(5))
        });
    }

    #[test]
    #[should_panic(expected = "the original message")]
    fn a_panic_keeps_its_message() {
        within(Duration::from_secs(1), "unused", || {
            panic!("the original message")
        });
    }
}
