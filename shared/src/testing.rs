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

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Added for lesson 02's trust pass: counting threads, caught panics, and a future that records
// when it was woken and when it was polled. Other lessons may append their own blocks below.
// ─────────────────────────────────────────────────────────────────────────────────────────────

/// How many threads this process has right now, counted in `/proc/self/task`.
///
/// For promises about resources, not effects: "at most one helper thread" is only proved by
/// counting threads, because a future that starts a thread per poll can still wake perfectly.
/// Other tests of the same binary run in parallel and start threads of their own, so compare a
/// before/after difference against a bound with room for them, never an exact number.
///
/// # Panics
///
/// When `/proc` is not mounted (a sandbox without it): the count would be meaningless, and a test
/// that silently passed without counting would prove nothing. The message says what is missing.
pub fn threads_alive() -> usize {
    match std::fs::read_dir("/proc/self/task") {
        Ok(entries) => entries.count(),
        Err(err) => panic!(
            "cannot count this process's threads: /proc/self/task is unreadable ({err}). The test \
             needs a /proc mounted for the process's own pid namespace; it refuses to pass without \
             counting"
        ),
    }
}

/// The message of a caught panic payload: the `&str` or `String` given to `panic!`.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        String::from("<a panic without a text message>")
    }
}

/// Runs `f`, which is expected to panic, and returns the panic's message.
///
/// The replacement for `#[should_panic]`: when `f` does *not* panic, the test fails with
/// `did_not_panic` (a sentence naming the broken promise) instead of libtest's bare "test did not
/// panic as expected". Assert on the returned message with a message of your own.
#[track_caller]
pub fn expect_panic<T>(did_not_panic: &str, f: impl FnOnce() -> T) -> String {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(_) => panic!("{did_not_panic}"),
        Err(payload) => panic_message(&*payload),
    }
}

/// What a [`Summoned`] future saw: for each poll, whether a wake came first, and how long after
/// that wake the poll came.
#[derive(Debug, Default, Clone)]
pub struct PollLog {
    /// Polls in all, the `Ready` one included.
    pub polls: u32,
    /// Polls after the first that came although no wake had been sent since the previous poll:
    /// an executor that polls on a timer or in a loop instead of waiting for wakes.
    pub unwoken_polls: u32,
    /// For each wake, the real time until the next poll began (the wake-to-poll latency).
    pub latencies: Vec<Duration>,
}

impl PollLog {
    /// The longest wake-to-poll latency seen (zero if there was no wake).
    pub fn worst_latency(&self) -> Duration {
        self.latencies.iter().copied().max().unwrap_or_default()
    }
}

#[derive(Debug, Default)]
struct SummonedState {
    waker: Option<Waker>,
    /// When the last wake was sent and not yet answered by a poll.
    woken_at: Option<Instant>,
    wakes_sent: u32,
    log: PollLog,
}

/// A future woken `wakes` times from a helper thread, `gap` apart, and `Ready` on the first poll
/// after the last wake. Made to test executors: it records every poll in a [`PollLog`] (read it
/// from its output), so a test can assert "polled only when woken" and "polled soon after each
/// wake".
///
/// The helper thread starts at the first poll and always wakes the waker of the latest poll.
#[derive(Debug)]
pub struct Summoned {
    wakes: u32,
    gap: Duration,
    state: Arc<std::sync::Mutex<SummonedState>>,
    started: bool,
}

impl Summoned {
    /// Woken `wakes` times (at least once), `gap` apart, starting `gap` after the first poll.
    pub fn new(wakes: u32, gap: Duration) -> Self {
        Self {
            wakes: wakes.max(1),
            gap,
            state: Arc::default(),
            started: false,
        }
    }
}

fn lock_summoned(
    state: &std::sync::Mutex<SummonedState>,
) -> std::sync::MutexGuard<'_, SummonedState> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Future for Summoned {
    type Output = PollLog;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<PollLog> {
        let now = Instant::now();
        let mut state = lock_summoned(&self.state);
        let first = state.log.polls == 0;
        state.log.polls += 1;
        match state.woken_at.take() {
            Some(at) => state.log.latencies.push(now.saturating_duration_since(at)),
            None if !first => state.log.unwoken_polls += 1,
            None => {}
        }
        if state.wakes_sent >= self.wakes {
            return Poll::Ready(state.log.clone());
        }
        match &mut state.waker {
            Some(stored) => stored.clone_from(cx.waker()),
            slot => *slot = Some(cx.waker().clone()),
        }
        drop(state);
        if !self.started {
            self.started = true;
            let (shared, wakes, gap) = (self.state.clone(), self.wakes, self.gap);
            thread::Builder::new()
                .name("summoner".into())
                .spawn(move || {
                    for _ in 0..wakes {
                        thread::sleep(gap);
                        let waker = {
                            let mut state = lock_summoned(&shared);
                            state.wakes_sent += 1;
                            state.woken_at.get_or_insert_with(Instant::now);
                            state.waker.clone()
                        };
                        if let Some(waker) = waker {
                            waker.wake();
                        }
                    }
                })
                .expect("spawning the summoner thread");
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod lesson_02_block_tests {
    use super::*;

    #[test]
    fn threads_alive_sees_a_new_thread() {
        let before = threads_alive();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let t = thread::spawn(move || {
            let _ = stopped.recv();
        });
        assert!(
            threads_alive() > before,
            "a thread started and still running must be counted"
        );
        drop(stop);
        t.join().expect("the counted thread");
    }

    #[test]
    fn expect_panic_returns_the_message() {
        let message = expect_panic("it should have panicked", || panic!("gear {}", 7));
        assert_eq!(message, "gear 7", "the panic's own text comes back");
    }

    #[test]
    fn expect_panic_fails_with_the_given_sentence() {
        let outer = std::panic::catch_unwind(|| expect_panic("no panic: rule X broken", || 1));
        let payload = outer.expect_err("expect_panic must fail when f does not panic");
        assert_eq!(
            panic_message(&*payload),
            "no panic: rule X broken",
            "the failure is the caller's sentence"
        );
    }

    #[test]
    fn summoned_logs_woken_and_unwoken_polls() {
        let (waker, counts) = crate::wakers::counting_waker();
        let mut fut = Summoned::new(1, Duration::from_millis(5));
        assert!(poll_with(&mut fut, &waker).is_pending(), "first poll waits");
        assert!(
            poll_with(&mut fut, &waker).is_pending(),
            "an unwoken poll waits"
        );
        assert!(
            wait_for_wakes(&[counts], Duration::from_secs(5), Duration::ZERO),
            "the summoner thread wakes the stored waker"
        );
        let Poll::Ready(log) = poll_with(&mut fut, &waker) else {
            panic!("after its one wake, Summoned is Ready");
        };
        assert_eq!(
            (log.polls, log.unwoken_polls, log.latencies.len()),
            (3, 1, 1),
            "three polls: the first, one without a wake, one answering the wake"
        );
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
