//! Helpers for the tests of every lesson: visible (`tests/check.rs`) and hidden (`grading/hidden.rs`).
//!
//! Each lesson's tests used to start with its own copies of the same few helpers, and the copies
//! drifted (one waited 30 ms for late wakes, its twin 25 ms). They live here once, so that a test
//! in lesson 21 reads like a test in lesson 02 and a fix lands everywhere.
//!
//! | helper | for |
//! |---|---|
//! | [`poll_with`], [`poll_on_thread`] | poll a future once by hand, with a waker you chose, here or on another thread |
//! | [`assert_virtual`], [`assert_about`] | a duration measured on tokio's paused clock, give or take the timer's tick |
//! | [`finishes`], [`finishes_within`] | await a future under tokio with a limit, failing with a sentence instead of hanging |
//! | [`wait_for_wakes`] | wait (real time, bounded) until a thread has woken some waker, then for late wakes |
//! | [`assert_send`], [`assert_sync`] | compile-time checks that a value may cross threads |
//! | [`within`](crate::time_limit::within) | re-exported: a time limit for code on real threads |
//!
//! Every helper fails with a message that says what was expected, so a learner reading a failure
//! sees the promise that was broken, not a bare `assertion failed`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

use crate::wakers::WakeCounts;

pub use crate::time_limit::within;

/// The resolution of tokio's timer: a sleep may end up to this much after its deadline.
pub const TIMER_TICK: Duration = Duration::from_millis(1);

/// Polls `fut` once with `waker`, the way an executor would, and returns what it answered.
///
/// Use it to test one poll at a time: "the first poll is Pending and clones the waker", "a poll
/// with a new waker replaces the old one".
pub fn poll_with<F: Future + Unpin>(fut: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(fut).poll(&mut Context::from_waker(waker))
}

/// Polls `fut` once on a new thread with `waker`, then hands the future back with the answer: a
/// task moving between the worker threads of a multi-threaded runtime.
///
/// A panic inside `poll` fails the calling test with the poll's own message.
pub fn poll_on_thread<F>(mut fut: F, waker: Waker) -> (F, Poll<F::Output>)
where
    F: Future + Unpin + Send + 'static,
    F::Output: Send,
{
    let polled = thread::Builder::new()
        .name("poll-on-thread".into())
        .spawn(move || {
            let poll = poll_with(&mut fut, &waker);
            (fut, poll)
        })
        .expect("spawning a thread to poll on")
        .join();
    match polled {
        Ok(result) => result,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Asserts that a duration measured on tokio's (paused) clock is `expected`, up to `slack` late.
///
/// Under `#[tokio::test(start_paused = true)]` time is virtual: it jumps straight to the next
/// timer, so measurements are exact up to the timer's resolution. Early is always wrong (a timer
/// never fires before its deadline); `slack` allows for ticks that a chain of sleeps adds up.
#[track_caller]
pub fn assert_virtual(what: &str, actual: Duration, expected: Duration, slack: Duration) {
    assert!(
        actual >= expected && actual <= expected + slack,
        "{what}: expected {expected:?} of virtual time (up to {slack:?} more), but it took {actual:?}"
    );
}

/// [`assert_virtual`] with two timer ticks of slack: the usual check for one or two sleeps.
#[track_caller]
pub fn assert_about(what: &str, actual: Duration, expected: Duration) {
    assert_virtual(what, actual, expected, 2 * TIMER_TICK);
}

/// Awaits `fut` for at most 10 s of tokio time; see [`finishes_within`].
pub async fn finishes<F: Future>(what: &str, fut: F) -> F::Output {
    finishes_within(what, Duration::from_secs(10), fut).await
}

/// Awaits `fut` for at most `limit` of tokio time, and at most `limit` (at least 5 s) of real
/// time, failing the test with `what` instead of hanging.
///
/// Two clocks, because a stuck future can be stuck in two ways:
/// - it waits for something nobody will ever do. On a paused clock tokio then jumps time forward
///   to the limit at once, so the test fails immediately;
/// - it keeps itself busy (a loop around `yield_now`, a future that wakes itself forever). Then
///   tokio is never idle, the paused clock never moves, and only the real clock can tell: the
///   wrapper checks it each time it is polled.
pub async fn finishes_within<F: Future>(what: &str, limit: Duration, fut: F) -> F::Output {
    finishes_by(what, limit, limit.max(Duration::from_secs(5)), fut).await
}

/// [`finishes_within`] with the real-time limit given separately.
async fn finishes_by<F: Future>(
    what: &str,
    limit: Duration,
    real_limit: Duration,
    fut: F,
) -> F::Output {
    let guarded = RealTimeGuard {
        inner: Box::pin(fut),
        started: Instant::now(),
        real_limit,
        polls: 0,
        what,
    };
    match tokio::time::timeout(limit, guarded).await {
        Ok(output) => output,
        Err(_) => panic!(
            "{what} did not finish within {limit:?}: is it waiting for something that nobody will \
             ever do (a wake that never comes, a message never sent)?"
        ),
    }
}

/// Polls its inner future, but panics once the real clock passes `real_limit`.
struct RealTimeGuard<'a, F: Future> {
    inner: Pin<Box<F>>,
    started: Instant,
    real_limit: Duration,
    polls: u64,
    what: &'a str,
}

impl<F: Future> Future for RealTimeGuard<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls += 1;
        let elapsed = self.started.elapsed();
        if elapsed > self.real_limit {
            panic!(
                "{} was still running after {elapsed:.1?} of real time and {} polls, while tokio's \
                 clock hardly moved: something keeps the runtime busy without making progress (a loop \
                 around yield_now, or a future that wakes itself on every poll)",
                self.what, self.polls
            );
        }
        self.inner.as_mut().poll(cx)
    }
}

/// Waits, on the real clock, until at least one of `counts` has been woken (for up to `limit`),
/// then `quiet` longer so that a wrong answer's extra, late wakes have time to arrive.
///
/// For tests where another thread does the waking (a timer thread, a ringer). It returns early as
/// soon as a wake arrives, so a correct answer costs little real time; the bounded wait keeps a
/// wrong answer from hanging the test. Returns whether any wake was seen.
pub fn wait_for_wakes(counts: &[Arc<WakeCounts>], limit: Duration, quiet: Duration) -> bool {
    let start = Instant::now();
    while counts.iter().all(|c| c.total_wakes() == 0) {
        if start.elapsed() >= limit {
            return false;
        }
        thread::sleep(Duration::from_millis(1));
    }
    thread::sleep(quiet);
    true
}

/// Compiles only if `T` is `Send`: "this future may move to another worker thread".
pub fn assert_send<T: Send>(_: &T) {}

/// Compiles only if `T` is `Sync`: "this value may be shared between threads".
pub fn assert_sync<T: Sync>(_: &T) {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wakers::counting_waker;

    #[test]
    #[should_panic(expected = "expected 10ms of virtual time")]
    fn early_is_wrong() {
        assert_about("sleep", Duration::from_millis(9), Duration::from_millis(10));
    }

    #[test]
    fn a_tick_late_is_fine() {
        assert_about(
            "sleep",
            Duration::from_millis(11),
            Duration::from_millis(10),
        );
    }

    #[tokio::test(start_paused = true)]
    #[should_panic(expected = "never finishes did not finish within 10s")]
    async fn a_future_nobody_wakes_fails_at_once() {
        finishes("never finishes", std::future::pending::<()>()).await;
    }

    #[tokio::test(start_paused = true)]
    #[should_panic(expected = "keeps the runtime busy")]
    async fn a_busy_loop_fails_on_the_real_clock() {
        let (virtual_limit, real_limit) = (Duration::from_secs(1), Duration::from_millis(50));
        finishes_by("spinner", virtual_limit, real_limit, async {
            loop {
                tokio::task::yield_now().await;
            }
        })
        .await;
    }

    #[test]
    fn wait_for_wakes_returns_when_woken() {
        let (waker, counts) = counting_waker();
        let t = thread::spawn(move || {
            thread::sleep(Duration::from_millis(5));
            waker.wake();
        });
        assert!(wait_for_wakes(
            &[counts],
            Duration::from_secs(5),
            Duration::ZERO
        ));
        t.join().unwrap();
    }

    #[test]
    fn wait_for_wakes_gives_up() {
        let (_waker, counts) = counting_waker();
        assert!(!wait_for_wakes(
            &[counts],
            Duration::from_millis(5),
            Duration::ZERO
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Catching a panic quietly (added for lessons 01 and 03).
//
// Some wrong answers fail by panicking inside Tokio ("timers are disabled", "Cannot start a
// runtime from within a runtime"). Those sentences name Tokio's rule, not the exercise's promise,
// and the default panic hook prints them before the test's own message. A test wraps such a call
// in `quiet_panic`, then fails with a sentence of its own that names the promise.
// ---------------------------------------------------------------------------------------------

thread_local! {
    /// Set while `quiet_panic` runs on this thread: the hook then stays silent for it.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` on this thread; if it panics, returns the panic's message instead of printing it.
///
/// Only panics on the calling thread are silenced (other tests running in parallel keep their
/// output); a panic on another thread, such as a Tokio worker, is printed as usual.
///
/// ```
/// let caught = shared::testing::quiet_panic(|| -> u8 { panic!("timers are disabled") });
/// assert_eq!(caught.unwrap_err(), "timers are disabled");
/// ```
pub fn quiet_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_quiet_hook();
    let _quiet = QuietGuard::new();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    result.map_err(|payload| panic_message(payload.as_ref()))
}

/// Wraps a future whose panics are *expected* (a task a test makes fail on purpose) so that the
/// panic is not printed: the test's own message stays the first thing a learner reads.
///
/// The panic still happens and unwinds as usual (tokio turns it into a `JoinError`); only the
/// default hook's line on stderr is left out, and only while this future is being polled.
pub fn quietly<F: Future>(fut: F) -> impl Future<Output = F::Output> {
    install_quiet_hook();
    let mut fut = Box::pin(fut);
    std::future::poll_fn(move |cx| {
        let _quiet = QuietGuard::new();
        fut.as_mut().poll(cx)
    })
}

/// Silences the panic hook on this thread until dropped (also when dropped by unwinding).
struct QuietGuard {
    was: bool,
}

impl QuietGuard {
    fn new() -> Self {
        Self {
            was: QUIET.with(|quiet| quiet.replace(true)),
        }
    }
}

impl Drop for QuietGuard {
    fn drop(&mut self) {
        let was = self.was;
        QUIET.with(|quiet| quiet.set(was));
    }
}

/// Installs, once per process, a panic hook that stays silent on threads inside `quiet_panic`
/// or `quietly` and passes every other panic to the hook that was there before.
fn install_quiet_hook() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|quiet| quiet.get()) {
                previous(info);
            }
        }));
    });
}

/// The text of a panic payload (`&str` or `String`), or a placeholder for anything else.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "<a panic without a message>".to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Counting polls from outside (added for lesson 03).
//
// Some promises are about how often a future gives its thread back ("yield at least every 256
// rounds"), and some tests must act only once a future is parked ("send after the receiver
// returned Pending", never in the middle of a poll). Both need the polls of a future counted by
// a wrapper the answer cannot see.
// ---------------------------------------------------------------------------------------------

/// How often a [`CountPolls`] future was polled, and how often it answered `Pending`.
#[derive(Debug, Default)]
pub struct PollCounts {
    polls: std::sync::atomic::AtomicU64,
    pendings: std::sync::atomic::AtomicU64,
}

impl PollCounts {
    /// Polls so far.
    pub fn polls(&self) -> u64 {
        self.polls.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Polls that returned `Pending` so far: the times the future gave its thread back. The
    /// count goes up only once the poll has returned, so a thread that waits for it knows the
    /// future is parked (its waker stored), not in the middle of a poll.
    pub fn pendings(&self) -> u64 {
        self.pendings.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// A future that behaves exactly like the one it wraps, counting polls in a [`PollCounts`].
pub struct CountPolls<F> {
    inner: Pin<Box<F>>,
    counts: Arc<PollCounts>,
}

/// Wraps `fut` to count its polls; returns the wrapper and the counts.
pub fn count_polls<F: Future>(fut: F) -> (CountPolls<F>, Arc<PollCounts>) {
    let counts = Arc::new(PollCounts::default());
    let wrapper = CountPolls {
        inner: Box::pin(fut),
        counts: Arc::clone(&counts),
    };
    (wrapper, counts)
}

impl<F: Future> Future for CountPolls<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        use std::sync::atomic::Ordering::SeqCst;
        self.counts.polls.fetch_add(1, SeqCst);
        let poll = self.inner.as_mut().poll(cx);
        if poll.is_pending() {
            self.counts.pendings.fetch_add(1, SeqCst);
        }
        poll
    }
}

/// Waits on the real clock (for at most `limit`) until `counts` shows at least `pendings`
/// `Pending` answers; returns whether it did. For a thread that must not act mid-poll.
pub fn wait_for_pendings(counts: &PollCounts, pendings: u64, limit: Duration) -> bool {
    let start = Instant::now();
    while counts.pendings() < pendings {
        if start.elapsed() >= limit {
            return false;
        }
        thread::sleep(Duration::from_millis(1));
    }
    true
}
