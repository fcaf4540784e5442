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
//! | [`quiet_panic`], [`quietly`], [`quiet_paused`], [`panic_message`] | catch a panic that is meant to happen without printing it, and read its message |
//! | [`on_paused_runtime`] | run a paused runtime on a helper thread under a real-time limit, for code that may block its thread |
//! | [`Tracker`], [`Gauge`] | jobs that report whether they finished or were cancelled, and how many ran at once |
//! | [`is_send!`](crate::is_send), [`spawn_checked!`](crate::spawn_checked) | "is it `Send`?" at run time, so one non-`Send` answer does not stop the file from building |
//! | [`scripted_stream`] | a stream whose bytes arrive at given instants of tokio's clock |
//! | [`ms`] | `Duration::from_millis`, short enough for a timeline |
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

/// Runs `fut` to the end on a fresh current-thread tokio runtime with paused time, on this
/// thread, under [`quiet_panic`]; returns its output, or the message of a panic that escaped it.
///
/// For a test of code whose tasks are *meant* to panic (a job that fails on purpose): on a
/// current-thread runtime those tasks run on this thread too, so their panics stay silent, and a
/// panic that escapes `fut` comes back as `Err` for the test to judge with a sentence of its own.
/// It is a plain `#[test]`'s replacement for `#[tokio::test(start_paused = true)]`: that macro
/// gives no way to catch a panic that escapes the test's body.
///
/// A runtime per call costs a little real time (well under a millisecond); being fresh, no task
/// or timer of an earlier test can leak into it.
///
/// # Panics
///
/// Only if tokio cannot build a runtime (no thread or timer could be set up), with a message
/// saying so; and not from inside another runtime's task, where tokio forbids `block_on`.
pub fn quiet_paused<T>(fut: impl Future<Output = T>) -> Result<T, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("tokio could not build a current-thread test runtime");
    quiet_panic(|| runtime.block_on(fut))
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

#[cfg(test)]
mod quiet_tests {
    use super::*;

    #[test]
    fn quiet_paused_returns_the_output_on_paused_time() {
        let out = quiet_paused(async {
            let t0 = tokio::time::Instant::now();
            tokio::time::sleep(Duration::from_secs(3600)).await;
            t0.elapsed()
        });
        let slept = out.expect("a future that does not panic gives Ok(its output)");
        assert_virtual(
            "an hour's sleep under quiet_paused",
            slept,
            Duration::from_secs(3600),
            TIMER_TICK,
        );
    }

    #[test]
    fn quiet_paused_catches_a_spawned_tasks_panic() {
        let out = quiet_paused(async {
            let joined = tokio::spawn(async { panic!("meant to fail") }).await;
            let text = joined.map_err(|e| panic_message(&*e.into_panic()));
            assert_eq!(
                text,
                Err("meant to fail".to_string()),
                "a task's panic reaches its JoinHandle as an Err with the task's message"
            );
            panic!("escaped: {}", 7)
        });
        assert_eq!(
            out.err().as_deref(),
            Some("escaped: 7"),
            "a panic escaping the future comes back as Err(its message)"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Jobs that report what became of them, and "is it Send?" without a compile error (added for
// lessons 06 and 07, whose visible and hidden tests each had a copy).
//
// Promises about cancellation and concurrency ("the losers are cancelled", "never more than
// three at once") are about jobs the test made, not about values the answer returns. A job that
// carries a drop guard tells a finished job from a cancelled one, and a gauge counts how many
// ran at the same time. A `Send` promise must not be a compile error in the tests: one
// non-`Send` answer would stop every other test of the file from building.
// ---------------------------------------------------------------------------------------------

/// Shorthand for a duration in milliseconds: `ms(250)` reads better in a timeline than
/// `Duration::from_millis(250)`.
pub const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Counts what happened to the jobs it made: finished, or dropped before finishing (cancelled).
///
/// Clones share the counts, so one clone can go into the jobs and another stay with the test.
#[derive(Clone, Default)]
pub struct Tracker(Arc<TrackerCounts>);

#[derive(Default)]
struct TrackerCounts {
    finished: std::sync::atomic::AtomicUsize,
    cancelled: std::sync::atomic::AtomicUsize,
}

/// Dropped with `done == false` means: the job was cancelled (its future dropped unfinished).
struct JobGuard {
    tracker: Tracker,
    done: bool,
}

impl Drop for JobGuard {
    fn drop(&mut self) {
        if !self.done {
            let counts = &self.tracker.0;
            counts
                .cancelled
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

impl Tracker {
    /// A job that sleeps `after` on tokio's clock and then returns `out`.
    ///
    /// The drop guard is made here, outside the async block, so even a job that was never
    /// polled counts as cancelled when it is dropped: "cancelled" means "dropped unfinished",
    /// whether or not it had started.
    pub fn job<T: Send + 'static>(
        &self,
        after: Duration,
        out: T,
    ) -> impl Future<Output = T> + Send + 'static {
        let mut guard = JobGuard {
            tracker: self.clone(),
            done: false,
        };
        async move {
            tokio::time::sleep(after).await;
            guard.done = true;
            let counts = &guard.tracker.0;
            counts
                .finished
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            out
        }
    }

    /// Jobs that ran to the end so far.
    pub fn finished(&self) -> usize {
        self.0.finished.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Jobs dropped before they finished so far.
    pub fn cancelled(&self) -> usize {
        self.0.cancelled.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Counts jobs in flight (started, not ended) and remembers the most there ever were.
///
/// For a limit on concurrency: "at most three at once" is proved by the peak, which a pool that
/// lets a fourth job in for a moment would raise, even if every job still finishes.
#[derive(Clone, Default)]
pub struct Gauge(Arc<GaugeCounts>);

#[derive(Default)]
struct GaugeCounts {
    now: std::sync::atomic::AtomicUsize,
    max: std::sync::atomic::AtomicUsize,
}

/// A job's place in a [`Gauge`]: leaves it when dropped, so a job that returns, panics or is
/// aborted has ended alike.
pub struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        let counts = &(self.0).0;
        counts.now.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Gauge {
    /// Enters the gauge until the returned [`InFlight`] is dropped.
    pub fn enter(&self) -> InFlight {
        use std::sync::atomic::Ordering::SeqCst;
        let now = self.0.now.fetch_add(1, SeqCst) + 1;
        self.0.max.fetch_max(now, SeqCst);
        InFlight(self.clone())
    }

    /// A job that is in flight while it sleeps `after` on tokio's clock.
    pub fn job(&self, after: Duration) -> impl Future<Output = ()> + Send + 'static {
        let gauge = self.clone();
        async move {
            let _in = gauge.enter();
            tokio::time::sleep(after).await;
        }
    }

    /// The most jobs that were ever in flight at the same time.
    pub fn max(&self) -> usize {
        self.0.max.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// "Is this value `Send`?", answered at run time instead of as a compile error (which would stop
/// every other test in the file from building).
///
/// Ask through [`is_send!`](crate::is_send), which brings [`SendYes`] and [`SendNo`] into scope
/// for the call: `shared::is_send!(value)`. Ask where the value's type is known, never from a
/// generic function (there the answer is always `false`), and about a value an answer's function
/// returned, not an async block written in the same test function.
/// How: method lookup tries `SendYes` on `Checked<T>` first (by reference), and that impl exists
/// only when `T: Send`; otherwise lookup goes one reference further, to `SendNo` on `&Checked<T>`.
pub struct Checked<T>(pub T);

/// The `true` half of [`Checked`]: applies only to a `Send` value.
pub trait SendYes {
    /// `true`: the value is `Send`.
    fn is_send(&self) -> bool {
        true
    }
}
impl<T: Send> SendYes for Checked<T> {}

/// The `false` half of [`Checked`]: the fallback for any value.
pub trait SendNo {
    /// `false`: the value is not `Send`.
    fn is_send(&self) -> bool {
        false
    }
}
impl<T> SendNo for &Checked<T> {}

/// Whether `$value` is `Send`, as a `bool` at run time; see [`Checked`](crate::testing::Checked).
///
/// ```
/// assert!(shared::is_send!(std::sync::Arc::new(1)));
/// assert!(!shared::is_send!(std::rc::Rc::new(1)));
/// ```
#[macro_export]
macro_rules! is_send {
    ($value:expr) => {{
        // Only one of the two traits is used, depending on the value's type.
        #[allow(unused_imports)]
        use $crate::testing::{SendNo as _, SendYes as _};
        (&$crate::testing::Checked($value)).is_send()
    }};
}

/// `tokio::spawn` for a future that may not be `Send`: `Ok(handle)` if it is, `Err(future)` if
/// it is not, decided at compile time without failing the build. Use it through
/// [`spawn_checked!`](crate::spawn_checked), which fails the test with a sentence.
///
/// How: method lookup prefers the inherent `spawn` (it exists only when the future and its
/// output are `Send + 'static`) and falls back to [`NotSpawnable::spawn`] otherwise. Like
/// [`Checked`], that works only where the future's type is known, and for a future returned by a
/// function (an answer's `async fn`), not an async block written in the same test function.
pub struct Spawnable<F>(pub F);

impl<F> Spawnable<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    /// Spawns the future on the current runtime.
    pub fn spawn(self) -> Result<tokio::task::JoinHandle<F::Output>, F> {
        Ok(tokio::spawn(self.0))
    }
}

/// The fallback of [`Spawnable`]: a future that cannot be spawned comes back as `Err`.
pub trait NotSpawnable<F: Future> {
    /// Gives the future back: it is not `Send + 'static`.
    fn spawn(self) -> Result<tokio::task::JoinHandle<F::Output>, F>;
}

impl<F: Future> NotSpawnable<F> for Spawnable<F> {
    fn spawn(self) -> Result<tokio::task::JoinHandle<F::Output>, F> {
        Err(self.0)
    }
}

/// Spawns `$fut` on the current runtime (`tokio::spawn`), or fails the test with the reason a
/// learner needs when the future is not `Send`; `$name` is the function that made the future.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// async fn double(x: u32) -> u32 { x * 2 }
/// let handle = shared::spawn_checked!("double", double(21));
/// assert_eq!(handle.await.unwrap(), 42);
/// # }
/// ```
#[macro_export]
macro_rules! spawn_checked {
    ($name:literal, $fut:expr) => {
        match {
            #[allow(unused_imports)]
            use $crate::testing::NotSpawnable as _;
            $crate::testing::Spawnable($fut).spawn()
        } {
            Ok(handle) => handle,
            Err(_) => panic!(
                "{}'s future is not Send, so tokio::spawn cannot move it between worker threads: \
                 something that is not Send (an Rc, an Arc<RefCell<..>>, a std MutexGuard) is \
                 alive across an .await. Keep such values out of the stretch between two awaits \
                 (a plain local instead of shared Rc<RefCell<..>>; lock, use and unlock a std \
                 Mutex between awaits). To see which value, try `tokio::spawn({}(..))` in a \
                 scratch test: the compiler names it",
                $name, $name
            ),
        }
    };
}

/// Runs the future made by `make` on a fresh current-thread runtime with tokio's clock paused,
/// on a helper thread, and fails with `what` if it has not finished after 3 s of real time.
///
/// For code that can block its thread (a std lock held across `.await`, two tasks waiting for
/// each other's locks): on the test's own thread that would stop tokio's clock and hang the
/// test, while here the blocked thread becomes a sentence. A correct answer takes a few
/// milliseconds. `make` runs on the helper thread, so the future itself need not be `Send`.
pub fn on_paused_runtime<T, F>(what: &str, make: impl FnOnce() -> F + Send + 'static) -> T
where
    T: Send + 'static,
    F: Future<Output = T>,
{
    let what_inside = what.to_owned();
    let stuck = format!(
        "{what} (the thread is stuck: a std lock that blocks it, e.g. a MutexGuard held across \
         .await, two tasks waiting for each other's locks, or a loop that keeps the thread busy \
         and never waits to be woken)"
    );
    within(Duration::from_secs(3), &stuck, move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .start_paused(true)
            .build()
            .expect("building a current-thread runtime");
        runtime.block_on(finishes(&what_inside, make()))
    })
}

/// The reading end of an in-memory byte stream (`tokio::io::duplex` with `capacity` bytes of
/// buffer) whose writer follows a script on tokio's clock: it sends each `(at_ms, bytes)` of
/// `plan` at that many milliseconds after this call, then closes the stream at `end_ms`.
///
/// For code that reads a stream, where *when* the bytes come matters as much as what they are:
/// a frame split over two arrivals, a quiet gap, an end of stream mid-frame. The writer is a task
/// spawned on the current runtime, so call it inside one (paused, for exact instants). Arrivals
/// are meant to be in order; one whose instant has passed is sent at once. A write the buffer
/// cannot hold waits for the reader, as on a real socket; when the reader is dropped the writer
/// stops quietly.
pub fn scripted_stream(
    capacity: usize,
    plan: Vec<(u64, Vec<u8>)>,
    end_ms: u64,
) -> tokio::io::DuplexStream {
    use tokio::io::AsyncWriteExt;
    let (mut tx, rx) = tokio::io::duplex(capacity);
    let t0 = tokio::time::Instant::now();
    tokio::spawn(async move {
        for (at, bytes) in plan {
            tokio::time::sleep_until(t0 + ms(at)).await;
            if tx.write_all(&bytes).await.is_err() {
                return;
            }
        }
        tokio::time::sleep_until(t0 + ms(end_ms)).await;
    });
    rx
}

#[cfg(test)]
mod job_tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn tracker_tells_finished_from_cancelled() {
        let t = Tracker::default();
        let done = t.job(ms(5), 'a');
        let never_polled = t.job(ms(5), 'b');
        let mut started = Box::pin(t.job(ms(50), 'c'));
        let waker = crate::wakers::noop_waker();
        assert!(
            poll_with(&mut started, &waker).is_pending(),
            "a tracked job waits for its sleep"
        );
        assert_eq!(done.await, 'a', "a tracked job returns its output");
        drop(never_polled);
        drop(started);
        assert_eq!(
            (t.finished(), t.cancelled()),
            (1, 2),
            "one job ran to the end; one never polled and one started were dropped unfinished"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn gauge_remembers_the_peak() {
        let g = Gauge::default();
        let three = tokio::join!(g.job(ms(10)), g.job(ms(10)), g.job(ms(10)));
        assert_eq!(three, ((), (), ()), "gauge jobs return ()");
        g.job(ms(1)).await;
        assert_eq!(
            g.max(),
            3,
            "three jobs ran at once, then one alone: the peak is 3"
        );
        let inside = g.enter();
        let again = g.enter();
        drop((inside, again));
        assert_eq!(g.max(), 3, "two at once later does not lower the peak");
    }

    #[test]
    fn checked_tells_send_from_not_send() {
        let send = crate::is_send!(Arc::new(1));
        let not_send = crate::is_send!(std::rc::Rc::new(1));
        assert!(send, "an Arc<i32> is Send: Checked must say true");
        assert!(!not_send, "an Rc<i32> is not Send: Checked must say false");
    }

    #[tokio::test]
    async fn spawn_checked_spawns_a_send_future() {
        let handle = crate::spawn_checked!("a ready block", async { 7 });
        assert_eq!(
            handle.await.ok(),
            Some(7),
            "a Send future is spawned and its output comes back through the handle"
        );
    }

    /// A future that is not `Send`, made by a function as an answer's would be (an async block
    /// written in the test function itself is not judged until that function is compiled whole).
    fn holds_an_rc() -> impl Future<Output = i32> {
        let rc = std::rc::Rc::new(5);
        async move { *rc }
    }

    #[test]
    fn spawnable_gives_back_a_future_that_is_not_send() {
        let back = Spawnable(holds_an_rc()).spawn();
        assert!(
            back.is_err(),
            "a future holding an Rc is not Send: Spawnable must give it back (no runtime needed)"
        );
    }

    #[test]
    fn on_paused_runtime_runs_on_virtual_time() {
        // Under `finishes`' 10 s of tokio time, and far over the 3 s real-time limit.
        let slept = on_paused_runtime("a 9 s sleep", || async {
            let t0 = tokio::time::Instant::now();
            tokio::time::sleep(Duration::from_secs(9)).await;
            t0.elapsed()
        });
        assert_virtual(
            "a 9 s sleep on a paused runtime",
            slept,
            Duration::from_secs(9),
            TIMER_TICK,
        );
    }

    #[tokio::test(start_paused = true)]
    async fn scripted_stream_delivers_on_time_then_closes() {
        use tokio::io::AsyncReadExt;
        let t0 = tokio::time::Instant::now();
        let mut rx = scripted_stream(64, vec![(0, b"ab".to_vec()), (20, b"c".to_vec())], 35);
        let mut seen = Vec::new();
        let mut buf = [0u8; 8];
        loop {
            let n = rx
                .read(&mut buf)
                .await
                .expect("an in-memory read does not fail");
            seen.push((t0.elapsed(), buf[..n].to_vec()));
            if n == 0 {
                break;
            }
        }
        assert_eq!(
            seen,
            vec![
                (ms(0), b"ab".to_vec()),
                (ms(20), b"c".to_vec()),
                (ms(35), Vec::new()),
            ],
            "the script's bytes come at 0 and 20 ms, and the end of stream at 35 ms"
        );
    }
}
