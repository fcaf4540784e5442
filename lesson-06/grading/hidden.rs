//! Hidden tests for lesson 06 (grading only; not in the student edition).
//!
//! The same promises as the visible tests, from other angles: more jobs, other orders, worker
//! threads instead of one, and bounded stress loops for what can race.
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Runs `f`, catching a panic without printing it, so that the test's own message (which names
/// the promise) is the first thing a learner reads, not the bare panic it replaces.
///
/// (The panic hook is process-wide; this one stays silent only for the calling thread, so a
/// panic elsewhere in a parallel test run still prints.)
fn quietly<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    use std::panic::{AssertUnwindSafe, PanicHookInfo, catch_unwind, set_hook, take_hook};
    type Hook = Arc<dyn Fn(&PanicHookInfo<'_>) + Send + Sync>;
    let me = std::thread::current().id();
    let previous: Hook = Arc::from(take_hook());
    let outer = previous.clone();
    set_hook(Box::new(move |info| {
        if std::thread::current().id() != me {
            outer(info);
        }
    }));
    let result = catch_unwind(AssertUnwindSafe(f));
    drop(take_hook());
    set_hook(Box::new(move |info| previous(info)));
    result
}

/// Runs `fut` on a fresh current-thread runtime with paused time, on this thread, under
/// [`quietly`]: the panics of jobs that are *meant* to panic (they run on this thread too) stay
/// silent, and a panic that escapes `fut` comes back as `Err` for the test to judge.
fn quietly_paused<T>(fut: impl Future<Output = T>) -> std::thread::Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("building a test runtime");
    quietly(|| runtime.block_on(fut))
}

/// The text of a caught panic (`panic!("...")` carries a `&str`, `panic!("{x}")` a `String`).
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_string()
    }
}

/// Counts what happened to the jobs it made: finished, or dropped before finishing (cancelled).
#[derive(Clone, Default)]
struct Tracker(Arc<Counts>);

#[derive(Default)]
struct Counts {
    finished: AtomicUsize,
    cancelled: AtomicUsize,
}

/// Dropped with `done == false` means: the job was cancelled (its future dropped unfinished).
struct DropGuard {
    tracker: Tracker,
    done: bool,
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        if !self.done {
            self.tracker.0.cancelled.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Tracker {
    /// A job that sleeps `after` (tokio's clock) and then returns `out`. Its drop guard is made
    /// here, outside the async block, so even a job that never started counts as cancelled
    /// when it is dropped.
    fn job<T: Send + 'static>(
        &self,
        after: Duration,
        out: T,
    ) -> impl Future<Output = T> + Send + 'static {
        let mut guard = DropGuard {
            tracker: self.clone(),
            done: false,
        };
        async move {
            tokio::time::sleep(after).await;
            guard.done = true;
            guard.tracker.0.finished.fetch_add(1, Ordering::SeqCst);
            out
        }
    }

    fn finished(&self) -> usize {
        self.0.finished.load(Ordering::SeqCst)
    }

    fn cancelled(&self) -> usize {
        self.0.cancelled.load(Ordering::SeqCst)
    }
}

mod e01_fan_out {
    use super::*;
    use lesson_06::e01_fan_out::*;
    use shared::testing::{assert_about, finishes, within};
    use tokio::time::{Instant, sleep};

    type Job<T, E> = std::pin::Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

    #[tokio::test(start_paused = true)]
    async fn a_hundred_jobs_in_completion_order() {
        let t = Tracker::default();
        let t0 = Instant::now();
        // Distinct durations in a scrambled order: (k * 37) mod 101, k = 1..=100.
        let durations: Vec<u64> = (1..=100u64).map(|k| (k * 37) % 101 * 3).collect();
        let jobs: Vec<_> = durations
            .iter()
            .map(|&d| {
                let job = t.job(ms(d), d);
                async move { Ok::<u64, ()>(job.await) }
            })
            .collect();
        let out = finishes("fan_out of 100 jobs", fan_out(jobs)).await;
        let mut sorted = durations.clone();
        sorted.sort();
        assert_eq!(
            out,
            Ok(sorted),
            "100 jobs of different lengths: the outputs come back shortest first, the order \
             they finished"
        );
        assert_about("100 jobs at once", t0.elapsed(), ms(300));
    }

    #[tokio::test(start_paused = true)]
    async fn an_error_at_once_cancels_jobs_that_never_ran() {
        let t = Tracker::default();
        let mut jobs: Vec<Job<u8, &str>> = vec![Box::pin(async { Err("at once") })];
        for _ in 0..50 {
            jobs.push(Box::pin(t.job(ms(500), Ok(1))));
        }
        let out = finishes("fan_out", fan_out(jobs)).await;
        let cancelled_at_return = t.cancelled();
        sleep(ms(1000)).await;
        assert_eq!(
            out,
            Err("at once"),
            "the first job fails at once: that error"
        );
        assert_eq!(
            t.finished(),
            0,
            "jobs finished after fan_out returned its error: cancel the rest, do not detach them"
        );
        assert_eq!(
            cancelled_at_return, 50,
            "all 50 other jobs must have stopped (drop guards run) before fan_out returns the \
             error: wait for them after aborting"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_earliest_error_wins() {
        let t = Tracker::default();
        let jobs = [(50, Err("late")), (15, Err("early")), (5, Ok(()))]
            .map(|(after, out)| t.job(ms(after), out));
        let out = finishes("fan_out", fan_out(jobs)).await;
        assert_eq!(
            out,
            Err("early"),
            "two jobs fail, at 15 and 50 ms: fan_out returns the first error to happen"
        );
    }

    #[test]
    fn on_worker_threads_the_rest_have_stopped_too() {
        within(
            Duration::from_secs(20),
            "fan_out on a multi-threaded runtime never returned after a job failed (the other \
             jobs sleep 10 s; they must be cancelled, not waited for)",
            || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("building a runtime");
                for round in 0..20 {
                    let t = Tracker::default();
                    let mut jobs: Vec<Job<u8, u8>> = Vec::new();
                    for _ in 0..8 {
                        jobs.push(Box::pin(t.job(Duration::from_secs(10), Ok(0))));
                    }
                    jobs.push(Box::pin(async {
                        tokio::time::sleep(ms(1)).await;
                        Err(7)
                    }));
                    let started = std::time::Instant::now();
                    let out = runtime.block_on(fan_out(jobs));
                    let cancelled = t.cancelled();
                    assert_eq!(out, Err(7), "round {round}: the failing job's error");
                    assert!(
                        started.elapsed() < Duration::from_secs(5),
                        "round {round}: fan_out took {:?}: it must cancel the 10 s jobs, not wait \
                         for them",
                        started.elapsed()
                    );
                    assert_eq!(
                        cancelled, 8,
                        "round {round}, on worker threads: when fan_out returned, only \
                         {cancelled} of 8 cancelled jobs had stopped; wait for them after \
                         aborting (JoinSet::shutdown().await)"
                    );
                }
            },
        );
    }
}

mod e02_panics {
    use super::*;
    use lesson_06::e02_panics::*;
    use shared::testing::{finishes, within};
    use std::pin::Pin;
    use tokio::time::sleep;

    type Job = Pin<Box<dyn Future<Output = usize> + Send>>;

    fn caught<T>(result: std::thread::Result<T>) -> T {
        match result {
            Ok(value) => value,
            Err(panic) => panic!(
                "run_jobs itself panicked ({:?}): a job's panic must come back as Err(JobPanicked)",
                panic_text(&*panic)
            ),
        }
    }

    #[test]
    fn fifty_jobs_every_seventh_panics() {
        let t = Tracker::default();
        let tracker = t.clone();
        let (out, finished) = caught(quietly_paused(async move {
            let jobs: Vec<(String, Job)> = (0..50usize)
                .map(|i| {
                    let job: Job = if i % 7 == 3 {
                        Box::pin(async move {
                            sleep(ms(50 - i as u64)).await;
                            panic!("job {i} gave up")
                        })
                    } else {
                        Box::pin(tracker.job(ms(i as u64), i))
                    };
                    (format!("job-{i}"), job)
                })
                .collect();
            let out = finishes("run_jobs", run_jobs(jobs)).await;
            (out, tracker.finished())
        }));
        assert_eq!(
            out,
            Err(JobPanicked {
                job: "job-3".into(),
                message: "job 3 gave up".into()
            }),
            "jobs 3, 10, 17, ... panicked (the later ones earlier in time): the error names job-3, \
             the first in the list, with its formatted message"
        );
        assert_eq!(
            finished, 43,
            "all 43 jobs that do not panic must have finished when run_jobs returns"
        );
        assert_eq!(
            t.cancelled(),
            0,
            "no job may be cancelled: they all run to the end"
        );
    }

    #[test]
    fn a_panic_without_text_is_still_named() {
        let t = Tracker::default();
        let tracker = t.clone();
        let out = caught(quietly_paused(async move {
            let jobs: Vec<(String, Job)> = vec![
                (
                    "number".into(),
                    Box::pin(async { std::panic::panic_any(42u8) }),
                ),
                ("fine".into(), Box::pin(tracker.job(ms(3), 1))),
            ];
            finishes("run_jobs", run_jobs(jobs)).await
        }));
        assert_eq!(
            out.map_err(|p| p.job),
            Err("number".to_string()),
            "a job panicked with a payload that is not text (panic_any(42)): run_jobs must not \
             panic itself, and still names the job"
        );
    }

    #[test]
    fn on_worker_threads() {
        within(
            Duration::from_secs(20),
            "run_jobs on a multi-threaded runtime never returned",
            || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("building a runtime");
                for round in 0..10usize {
                    let t = Tracker::default();
                    let jobs: Vec<(String, Job)> = (0..6usize)
                        .map(|i| {
                            let job: Job = if i == round % 6 {
                                Box::pin(async move { panic!("worker job {i} broke") })
                            } else {
                                Box::pin(t.job(ms(2), i))
                            };
                            (format!("w{i}"), job)
                        })
                        .collect();
                    let out = runtime.block_on(async {
                        tokio::spawn(run_jobs(jobs)).await.map_err(|e| e.is_panic())
                    });
                    let out = match out {
                        Ok(out) => out,
                        Err(_) => panic!(
                            "round {round}: run_jobs itself panicked: a job's panic must come back \
                             as Err(JobPanicked)"
                        ),
                    };
                    let i = round % 6;
                    assert_eq!(
                        out,
                        Err(JobPanicked {
                            job: format!("w{i}"),
                            message: format!("worker job {i} broke")
                        }),
                        "round {round}: job w{i} panicked on a worker thread"
                    );
                    assert_eq!(
                        t.finished(),
                        5,
                        "round {round}: the 5 other jobs must have finished when run_jobs returns"
                    );
                }
            },
        );
    }
}

/// `tokio::spawn` for a future that may not be `Send`: `Ok(handle)` if it is, `Err(future)` if
/// it is not, decided at compile time without failing the build.
///
/// How: method lookup prefers the inherent `spawn` (it exists only when `F: Send + 'static`)
/// and falls back to the trait method otherwise. That works only where the future's type is
/// known, so the tests call it through [`spawn_checked!`], never from a generic function.
struct Spawnable<F>(F);

// One of the two `spawn`s is never called, depending on the answer under test.
#[allow(dead_code)]
impl<F> Spawnable<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn spawn(self) -> Result<tokio::task::JoinHandle<F::Output>, F> {
        Ok(tokio::spawn(self.0))
    }
}

#[allow(dead_code)]
trait NotSpawnable<F: Future> {
    fn spawn(self) -> Result<tokio::task::JoinHandle<F::Output>, F>;
}

impl<F: Future> NotSpawnable<F> for Spawnable<F> {
    fn spawn(self) -> Result<tokio::task::JoinHandle<F::Output>, F> {
        Err(self.0)
    }
}

/// Spawns `$fut` on the current (multi-threaded) runtime, or fails the test with the reason a
/// learner needs when the future is not `Send`.
macro_rules! spawn_checked {
    ($name:literal, $fut:expr) => {
        match Spawnable($fut).spawn() {
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

mod e03_send {
    use super::*;
    use lesson_06::e03_send::*;
    use shared::testing::finishes_within;
    use std::sync::Mutex;
    use tokio::sync::mpsc;

    const LIMIT: Duration = Duration::from_secs(10);

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_thousand_lines_across_threads() {
        let (tx, rx) = mpsc::channel(4);
        let handle = spawn_checked!("tally", tally(rx));
        for i in 0..1000 {
            tx.send(format!("w{} x", i % 10))
                .await
                .expect("tally dropped its input");
        }
        drop(tx);
        let counts = finishes_within("tally", LIMIT, handle)
            .await
            .expect("the tally task panicked");
        assert_eq!(
            counts.get("x"),
            Some(&1000),
            "\"x\" is on each of the 1000 lines"
        );
        assert!(
            (0..10).all(|k| counts.get(&format!("w{k}")) == Some(&100)),
            "each of w0..w9 is on 100 lines: {counts:?}"
        );
        assert_eq!(counts.len(), 11, "11 different words");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_recorders_share_one_log() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx_a, rx_a) = mpsc::channel(1);
        let (tx_b, rx_b) = mpsc::channel(1);
        let a = spawn_checked!("record", record(log.clone(), rx_a));
        let b = spawn_checked!("record", record(log.clone(), rx_b));
        for i in 0..50 {
            tx_a.send(format!("a{i}"))
                .await
                .expect("record dropped its input");
            tx_b.send(format!("b{i}"))
                .await
                .expect("record dropped its input");
        }
        // Both wait for more now; each line sent so far must already be visible.
        let start = std::time::Instant::now();
        while log.lock().expect("poisoned").len() < 100 && start.elapsed() < Duration::from_secs(2)
        {
            tokio::time::sleep(ms(1)).await;
        }
        assert_eq!(
            log.lock().expect("poisoned").len(),
            100,
            "two recorders waiting for more input: all 100 lines sent so far must be in the log \
             (append each line as it arrives)"
        );
        drop((tx_a, tx_b));
        let (a, b) = finishes_within("two recorders", LIMIT, async { (a.await, b.await) }).await;
        assert_eq!(
            (a.expect("record panicked"), b.expect("record panicked")),
            (50, 50),
            "each recorder appended 50 lines and says so"
        );
        let log = log.lock().expect("poisoned");
        let a_lines: Vec<_> = log.iter().filter(|l| l.starts_with('a')).cloned().collect();
        let want: Vec<_> = (0..50).map(|i| format!("a{i}")).collect();
        assert_eq!(
            a_lines, want,
            "one recorder's lines stay in the order they arrived"
        );
    }
}

/// Counts jobs in flight (started, not ended) and remembers the most there ever were.
#[derive(Clone, Default)]
struct Gauge(Arc<GaugeCounts>);

#[derive(Default)]
struct GaugeCounts {
    now: AtomicUsize,
    max: AtomicUsize,
}

/// Leaves the gauge when dropped: a job that returns, panics or is aborted has ended.
struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Gauge {
    fn enter(&self) -> InFlight {
        let now = self.0.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.0.max.fetch_max(now, Ordering::SeqCst);
        InFlight(self.clone())
    }

    /// A job that is in flight while it sleeps `after` on tokio's clock.
    fn job(&self, after: Duration) -> impl Future<Output = ()> + Send + 'static {
        let gauge = self.clone();
        async move {
            let _in = gauge.enter();
            tokio::time::sleep(after).await;
        }
    }

    fn max(&self) -> usize {
        self.0.max.load(Ordering::SeqCst)
    }
}

mod e04_pool {
    use super::*;
    use lesson_06::e04_pool::*;
    use shared::testing::{assert_about, finishes, within};
    use tokio::time::{Instant, timeout};

    #[test]
    fn two_hundred_jobs_some_panicking_and_the_pool_stays_whole() {
        let outcome = quietly_paused(async {
            let t0 = Instant::now();
            let gauge = Gauge::default();
            let pool = Pool::new(4);
            let mut handles = Vec::new();
            for i in 0..200u64 {
                let job = gauge.job(ms(1 + i % 7));
                let handle = finishes(
                    "spawn",
                    pool.spawn(async move {
                        job.await;
                        if i % 5 == 0 {
                            panic!("job {i} broke");
                        }
                    }),
                )
                .await;
                handles.push(handle);
            }
            let mut panics = 0;
            for h in handles {
                if finishes("a pool job", h).await.is_err() {
                    panics += 1;
                }
            }
            let _ = t0;
            // The pool still has all 4 slots: 4 long jobs run, a fifth spawn waits.
            let mut long = Vec::new();
            for _ in 0..4 {
                match timeout(ms(100), pool.spawn(gauge.job(ms(10_000)))).await {
                    Ok(h) => long.push(h),
                    Err(_) => return Err("lost"),
                }
            }
            let fifth = timeout(ms(100), pool.spawn(async {})).await.is_err();
            Ok((gauge.max(), panics, fifth))
        });
        let (max, panics, fifth_waited) = match outcome {
            Ok(Ok(o)) => o,
            Ok(Err(_)) => panic!(
                "after 40 of 200 jobs panicked, the pool of 4 could no longer run 4 jobs: slots \
                 were lost; the permit must be dropped with the task, on panic too"
            ),
            Err(p) => panic!("the pool test itself panicked: {}", panic_text(&*p)),
        };
        assert_eq!(panics, 40, "every 5th of 200 jobs panics");
        assert_eq!(max, 4, "a pool of 4 must run 4 jobs at once, never more");
        assert!(
            fifth_waited,
            "4 slots busy: a fifth spawn must wait, not gain a slot (a permit was handed back twice?)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn spawn_returns_at_the_moment_a_slot_frees() {
        let t0 = Instant::now();
        let gauge = Gauge::default();
        let pool = Pool::new(2);
        let _a = finishes("spawn", pool.spawn(gauge.job(ms(30)))).await;
        let _b = finishes("spawn", pool.spawn(gauge.job(ms(70)))).await;
        finishes("spawn", pool.spawn(gauge.job(ms(5)))).await;
        assert_about(
            "the third spawn (first slot frees at 30 ms)",
            t0.elapsed(),
            ms(30),
        );
        finishes("spawn", pool.spawn(gauge.job(ms(5)))).await;
        assert_about(
            "the fourth spawn (the 5 ms job frees its slot at 35 ms)",
            t0.elapsed(),
            ms(35),
        );
    }

    #[test]
    fn on_worker_threads_the_bound_holds() {
        within(
            Duration::from_secs(20),
            "the pool on a multi-threaded runtime never finished 300 short jobs",
            || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("building a runtime");
                let gauge = Gauge::default();
                let pool = Pool::new(3);
                runtime.block_on(async {
                    let mut handles = Vec::new();
                    for i in 0..300u32 {
                        let gauge = gauge.clone();
                        handles.push(
                            pool.spawn(async move {
                                let _in = gauge.enter();
                                for _ in 0..(i % 3) {
                                    tokio::task::yield_now().await;
                                }
                            })
                            .await,
                        );
                    }
                    for h in handles {
                        h.await.expect("a pool job panicked");
                    }
                });
                assert!(
                    gauge.max() <= 3,
                    "on worker threads a pool of 3 ran {} jobs at once",
                    gauge.max()
                );
            },
        );
    }
}

mod e05_stop {
    use super::*;
    use lesson_06::e05_stop::*;
    use shared::testing::{finishes, within};
    use std::sync::atomic::AtomicU64;
    use tokio::time::{sleep, timeout};

    #[test]
    fn on_worker_threads_a_busy_task_is_stopped_at_its_next_await() {
        within(
            Duration::from_secs(20),
            "stopping busy tasks on a multi-threaded runtime never finished",
            || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("building a runtime");
                for round in 0..20 {
                    let t = Tracker::default();
                    let spins = Arc::new(AtomicU64::new(0));
                    let (out, cleaned, spun_at_return) = runtime.block_on(async {
                        let guard = t.job(Duration::from_secs(3600), 0u8);
                        let counter = Arc::clone(&spins);
                        let worker = Worker::start(async move {
                            let _cleanup = guard;
                            loop {
                                counter.fetch_add(1, Ordering::SeqCst);
                                tokio::task::yield_now().await;
                            }
                        });
                        tokio::time::sleep(ms(1)).await;
                        let out = timeout(Duration::from_secs(2), worker.stop()).await;
                        (out, t.cancelled(), spins.load(Ordering::SeqCst))
                    });
                    assert_eq!(
                        out.ok(),
                        Some(Stopped::<()>::Cancelled),
                        "round {round}: a task looping over yield_now is cancelled at its next \
                         .await: stop must return Cancelled"
                    );
                    assert_eq!(
                        cleaned, 1,
                        "round {round}: its cleanup ran before stop returned"
                    );
                    std::thread::sleep(ms(2));
                    assert_eq!(
                        spins.load(Ordering::SeqCst),
                        spun_at_return,
                        "round {round}: the task kept running after stop returned"
                    );
                }
            },
        );
    }

    #[tokio::test(start_paused = true)]
    async fn stop_right_after_start_cancels_a_task_that_never_ran() {
        let t = Tracker::default();
        let worker = Worker::start(t.job(ms(5), 1));
        let stopped = finishes("stop", worker.stop()).await;
        assert_eq!(
            stopped,
            Stopped::Cancelled,
            "a task stopped before it ever ran is Cancelled"
        );
        assert_eq!(
            t.cancelled(),
            1,
            "its future was dropped before stop returned"
        );
        sleep(ms(10)).await;
        assert_eq!(t.finished(), 0, "and it never ran afterwards");
    }

    #[test]
    fn a_slow_step_is_waited_for_and_a_stop_at_once_is_fine() {
        within(
            Duration::from_secs(20),
            "BlockingJob::stop never returned",
            || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .expect("building a runtime");
                let counter = Arc::new(AtomicU64::new(0));
                let steps = Arc::clone(&counter);
                let started = Arc::new(AtomicU64::new(0));
                let starts = Arc::clone(&started);
                // The first step waits at a gate until stop has been called, so "stopped during
                // the first step" holds however slowly the machine runs.
                let (open_gate, gate) = std::sync::mpsc::channel::<()>();
                let outcome = runtime.block_on(async {
                    let job = BlockingJob::start(move || {
                        if starts.fetch_add(1, Ordering::SeqCst) == 0 {
                            let _ = gate.recv_timeout(Duration::from_secs(2));
                        }
                        std::thread::sleep(ms(5));
                        steps.fetch_add(1, Ordering::SeqCst);
                    });
                    let waiting = std::time::Instant::now();
                    while started.load(Ordering::SeqCst) == 0
                        && waiting.elapsed() < Duration::from_secs(2)
                    {
                        tokio::time::sleep(ms(1)).await;
                    }
                    let stop = timeout(Duration::from_secs(2), job.stop());
                    tokio::pin!(stop);
                    // Poll stop once (it raises the flag), then let the first step finish.
                    tokio::select! {
                        biased;
                        out = &mut stop => return out.ok(),
                        () = tokio::task::yield_now() => {}
                    }
                    let _ = open_gate.send(());
                    stop.await.ok()
                });
                let at_return = counter.load(Ordering::SeqCst);
                let quick = runtime.block_on(async {
                    let job = BlockingJob::start(|| std::thread::sleep(ms(1)));
                    timeout(Duration::from_secs(2), job.stop()).await.ok()
                });
                runtime.shutdown_timeout(ms(100));
                let Some(returned) = outcome else {
                    panic!("stop did not return: the job must check a stop flag between steps");
                };
                assert_eq!(
                    (returned, at_return),
                    (1, 1),
                    "stopped during the first step: stop waits for that step to end, and no other \
                 starts (1 step ran, and stop says 1)"
                );
                assert!(
                    quick.is_some(),
                    "stop right after start must return promptly too"
                );
            },
        );
    }
}

mod e06_scope {
    use super::*;
    use lesson_06::e06_scope::*;
    use shared::testing::{finishes, within};
    use std::sync::atomic::AtomicU64;
    use tokio::time::sleep;

    #[tokio::test(start_paused = true)]
    async fn a_hundred_tasks_and_a_select() {
        let t = Tracker::default();
        let mut scope = Scope::new();
        for i in 0..100u64 {
            scope.spawn(t.job(ms(100 + i), i));
        }
        tokio::select! {
            _ = scope.join_all() => panic!("join_all cannot finish before 100 ms"),
            () = sleep(ms(50)) => {}
        }
        sleep(ms(1)).await;
        let cancelled = t.cancelled();
        sleep(ms(1000)).await;
        assert_eq!(
            (t.finished(), cancelled),
            (0, 100),
            "select! dropped the join_all future at 50 ms: every one of the 100 tasks must be \
             cancelled (finished, cancelled)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_scope_and_a_full_join() {
        let empty: Scope<u8> = Scope::default();
        assert!(
            finishes("join_all of nothing", empty.join_all())
                .await
                .is_empty(),
            "an empty scope joins to an empty Vec"
        );
        let t = Tracker::default();
        let mut scope = Scope::new();
        for i in (0..20u64).rev() {
            scope.spawn(t.job(ms(i), i));
        }
        let out = finishes("join_all", scope.join_all()).await;
        let want: Vec<u64> = (0..20).rev().collect();
        assert_eq!(out, want, "20 outputs, in spawn order");
        assert_eq!(t.cancelled(), 0, "join_all cancels nothing that finishes");
    }

    #[test]
    fn on_worker_threads_busy_tasks_stop_with_their_scope() {
        within(
            Duration::from_secs(20),
            "dropping a scope of busy tasks on a multi-threaded runtime never finished",
            || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("building a runtime");
                for round in 0..10 {
                    let t = Tracker::default();
                    let spins = Arc::new(AtomicU64::new(0));
                    let cancelled = runtime.block_on(async {
                        let mut scope = Scope::new();
                        for _ in 0..4 {
                            let guard = t.job(Duration::from_secs(3600), ());
                            let counter = Arc::clone(&spins);
                            scope.spawn(async move {
                                let _cleanup = guard;
                                loop {
                                    counter.fetch_add(1, Ordering::SeqCst);
                                    tokio::task::yield_now().await;
                                }
                            });
                        }
                        tokio::time::sleep(ms(1)).await;
                        drop(scope);
                        let waiting = std::time::Instant::now();
                        while t.cancelled() < 4 && waiting.elapsed() < Duration::from_secs(2) {
                            tokio::time::sleep(ms(1)).await;
                        }
                        t.cancelled()
                    });
                    assert_eq!(
                        cancelled, 4,
                        "round {round}: 2 s after dropping the scope, only {cancelled} of its 4 \
                         busy tasks were cancelled"
                    );
                    let now = spins.load(Ordering::SeqCst);
                    std::thread::sleep(ms(3));
                    assert_eq!(
                        spins.load(Ordering::SeqCst),
                        now,
                        "round {round}: tasks kept running after their scope was dropped"
                    );
                }
            },
        );
    }
}
