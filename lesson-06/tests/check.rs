//! Visible tests for lesson 06, one module per exercise (`cargo xtask check lesson-06`).
//!
//! Most tests run on tokio's paused clock (`#[tokio::test(start_paused = true)]`): tasks that
//! sleep for seconds finish in microseconds, and every instant can be checked exactly. Jobs
//! carry a drop guard (see `Tracker`), so a test can tell a job that finished from one that was
//! cancelled, and *when* it was cancelled. Code on real threads runs under
//! `shared::testing::within`, so a hang fails with a sentence.
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
    use shared::Harness;
    use shared::testing::{assert_about, finishes};
    use tokio::time::{Instant, sleep};

    #[tokio::test(start_paused = true)]
    async fn jobs_run_together_and_come_back_as_they_finish() {
        let t = Tracker::default();
        let t0 = Instant::now();
        let jobs = [(30, 'a'), (10, 'b'), (20, 'c'), (40, 'd')].map(|(after, name)| {
            let job = t.job(ms(after), name);
            async move { Ok::<char, String>(job.await) }
        });
        let run = Harness::new().named("fan_out").run(fan_out(jobs));
        let out = finishes("fan_out", run).await.output;
        assert_eq!(
            out,
            Ok(vec!['b', 'c', 'a', 'd']),
            "jobs a, b, c, d take 30, 10, 20, 40 ms: fan_out returns their outputs in the order \
             they finished (b, c, a, d), not the order they were given (take them from a JoinSet \
             with join_next)"
        );
        assert_about(
            "four jobs of 10 to 40 ms, run at the same time (spawn each one; do not await them \
             one after another)",
            t0.elapsed(),
            ms(40),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_error_cancels_the_rest_and_waits_for_them() {
        let t = Tracker::default();
        let t0 = Instant::now();
        let mut jobs = Vec::new();
        let ok = t.job(ms(10), Ok(1));
        jobs.push(Box::pin(ok) as std::pin::Pin<Box<dyn Future<Output = _> + Send>>);
        jobs.push(Box::pin(t.job(ms(20), Err("job 2 failed".to_string()))));
        for _ in 0..3 {
            jobs.push(Box::pin(t.job(ms(1000), Ok(9))));
        }
        let out = finishes("fan_out", fan_out(jobs)).await;
        let (finished_at_return, cancelled_at_return) = (t.finished(), t.cancelled());
        let returned_at = t0.elapsed();
        assert_eq!(
            out,
            Err("job 2 failed".to_string()),
            "job 2 fails at 20 ms: fan_out returns its error"
        );
        assert_about(
            "fan_out returning the first error (do not wait for the other jobs to end by themselves)",
            returned_at,
            ms(20),
        );
        sleep(ms(2000)).await;
        assert!(
            t.finished() <= 2,
            "{} jobs finished after fan_out had returned its error: the three 1 s jobs kept \
             running. Dropping a JoinHandle does not stop its task, it detaches it; cancel the \
             rest (JoinSet::shutdown, or abort_all)",
            t.finished() - finished_at_return
        );
        assert_eq!(
            cancelled_at_return, 3,
            "when fan_out returned the error, {cancelled_at_return} of the 3 running jobs had \
             stopped (their drop guards had run): abort only asks a task to stop at its next \
             .await. Wait until they have stopped before returning (JoinSet::shutdown().await, \
             or join_next until None after abort_all)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn no_jobs_is_no_outputs() {
        let none: Vec<std::future::Ready<Result<u8, ()>>> = Vec::new();
        let out = finishes("fan_out of no jobs", fan_out(none)).await;
        assert_eq!(
            out,
            Ok(vec![]),
            "fan_out of no jobs returns Ok(empty) at once"
        );
    }
}

mod e02_panics {
    use super::*;
    use lesson_06::e02_panics::*;
    use shared::testing::{assert_about, finishes};
    use std::pin::Pin;
    use tokio::time::{Instant, sleep};

    type Job = Pin<Box<dyn Future<Output = char> + Send>>;

    /// A job that sleeps, then panics with `payload` (a `&str` or a `String`).
    fn panics<P: std::any::Any + Send + 'static>(after: Duration, payload: P) -> Job {
        Box::pin(async move {
            sleep(after).await;
            std::panic::panic_any(payload)
        })
    }

    fn named(jobs: Vec<(&str, Job)>) -> Vec<(String, Job)> {
        jobs.into_iter().map(|(n, j)| (n.to_string(), j)).collect()
    }

    /// Runs `run_jobs` (quietly: the jobs' panics are expected) and returns its result, how many
    /// tracked jobs had finished when it returned, and when it returned; a panic out of
    /// `run_jobs` itself fails the test with the promise it broke.
    fn run(
        t: &Tracker,
        jobs: Vec<(String, Job)>,
    ) -> (Result<Vec<char>, JobPanicked>, usize, Duration) {
        let t = t.clone();
        let caught = quietly_paused(async move {
            let t0 = Instant::now();
            let out = finishes("run_jobs", run_jobs(jobs)).await;
            (out, t.finished(), t0.elapsed())
        });
        match caught {
            Ok(result) => result,
            Err(panic) => panic!(
                "run_jobs itself panicked ({:?}): a job's panic must come back to the caller as \
                 Err(JobPanicked), not as a panic (look at the Err of each JoinHandle instead of \
                 unwrapping it)",
                panic_text(&*panic)
            ),
        }
    }

    #[test]
    fn a_panicking_job_is_named_and_the_others_finish() {
        let t = Tracker::default();
        let jobs = named(vec![
            ("fetch", Box::pin(t.job(ms(20), 'f'))),
            ("parse", panics(ms(5), "boom")),
            ("store", Box::pin(t.job(ms(30), 's'))),
        ]);
        let (out, finished, returned_at) = run(&t, jobs);
        assert_eq!(
            out,
            Err(JobPanicked {
                job: "parse".into(),
                message: "boom".into()
            }),
            "job \"parse\" panicked with \"boom\": run_jobs returns Err naming it, with exactly \
             the text it panicked with (the panic's payload, not the JoinError's own text)"
        );
        assert_eq!(
            finished, 2,
            "when run_jobs returned, {finished} of the 2 other jobs had finished: it must wait \
             for every job, even after one panicked (a dropped JoinHandle leaves its job running, \
             detached)"
        );
        assert_about(
            "run_jobs (the slowest job takes 30 ms)",
            returned_at,
            ms(30),
        );
    }

    #[test]
    fn without_panics_the_outputs_keep_the_list_order() {
        let t = Tracker::default();
        let jobs = named(vec![
            ("a", Box::pin(t.job(ms(30), 'a'))),
            ("b", Box::pin(t.job(ms(10), 'b'))),
            ("c", Box::pin(t.job(ms(20), 'c'))),
        ]);
        let (out, _, returned_at) = run(&t, jobs);
        assert_eq!(
            out,
            Ok(vec!['a', 'b', 'c']),
            "no job panicked: Ok with the outputs in the order the jobs were given, although they \
             finished b, c, a"
        );
        assert_about(
            "three jobs of 10 to 30 ms, run at the same time (spawn them all before awaiting any)",
            returned_at,
            ms(30),
        );
    }

    #[test]
    fn a_formatted_panic_keeps_its_message() {
        let t = Tracker::default();
        let jobs = named(vec![
            ("ok", Box::pin(t.job(ms(1), 'o'))),
            ("parse", panics(ms(5), format!("bad input {}", 7))),
        ]);
        let (out, _, _) = run(&t, jobs);
        assert_eq!(
            out.map_err(|p| p.message),
            Err("bad input 7".to_string()),
            "a job ran panic!(\"bad input {{}}\", 7): the message is \"bad input 7\". A formatted \
             panic carries a String, a literal one a &'static str: downcast the payload to both"
        );
    }

    #[test]
    fn the_first_panicked_job_in_the_list_is_named() {
        let t = Tracker::default();
        let jobs = named(vec![
            ("first", panics(ms(30), "late")),
            ("second", Box::pin(t.job(ms(10), '2'))),
            ("third", panics(ms(5), "early")),
        ]);
        let (out, _, _) = run(&t, jobs);
        assert_eq!(
            out.map_err(|p| p.job),
            Err("first".to_string()),
            "jobs \"first\" (at 30 ms) and \"third\" (at 5 ms) both panicked: the error names the \
             first of them in the list, whatever the timing"
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
    use std::collections::BTreeMap;
    use std::sync::Mutex;
    use tokio::sync::mpsc;

    const LIMIT: Duration = Duration::from_secs(5);

    /// Waits (real time, bounded) until `log` holds `n` lines; returns what it holds then.
    async fn wait_for_lines(log: &Mutex<Vec<String>>, n: usize) -> Vec<String> {
        let start = std::time::Instant::now();
        loop {
            let now = log.lock().expect("log lock poisoned").clone();
            if now.len() >= n || start.elapsed() > Duration::from_secs(2) {
                return now;
            }
            tokio::time::sleep(ms(1)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn tally_runs_as_a_spawned_task() {
        let (tx, rx) = mpsc::channel(8);
        let handle = spawn_checked!("tally", tally(rx));
        for line in ["the cat", "the dog  and the cat", ""] {
            tx.send(line.to_string())
                .await
                .expect("tally dropped its input");
            tokio::time::sleep(ms(1)).await;
        }
        drop(tx);
        let counts = finishes_within("tally", LIMIT, handle)
            .await
            .expect("the tally task panicked");
        let expected: BTreeMap<String, usize> = [("the", 3), ("cat", 2), ("dog", 1), ("and", 1)]
            .map(|(w, n)| (w.to_string(), n))
            .into();
        assert_eq!(
            counts, expected,
            "tally counts every word of every line (split on whitespace) until the channel closes"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn record_logs_each_line_as_it_arrives_and_leaves_the_log_unlocked() {
        let log = Arc::new(Mutex::new(vec!["from before".to_string()]));
        let (tx, rx) = mpsc::channel(8);
        let handle = spawn_checked!("record", record(log.clone(), rx));
        tx.send("first".into())
            .await
            .expect("record dropped its input");
        let seen = wait_for_lines(&log, 2).await;
        assert_eq!(
            seen,
            ["from before", "first"],
            "record appends each line to the log as soon as it arrives (here: still waiting for \
             the second line, and \"first\" is not in the log yet)"
        );
        // record now waits for the next line: the log must be free.
        tokio::time::sleep(ms(5)).await;
        assert!(
            log.try_lock().is_ok(),
            "while record waits for the next line, the log is still locked: lock it only to \
             push a line, never across the .await"
        );
        tx.send("second".into())
            .await
            .expect("record dropped its input");
        drop(tx);
        let appended = finishes_within("record", LIMIT, handle)
            .await
            .expect("the record task panicked");
        assert_eq!(
            *log.lock().expect("log lock poisoned"),
            ["from before", "first", "second"],
            "both lines appended, in order, after what was there"
        );
        assert_eq!(
            appended, 2,
            "record returns how many lines *it* appended (2), not the length of the whole log"
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
    use shared::Harness;
    use shared::testing::{assert_about, finishes};
    use tokio::sync::oneshot;
    use tokio::time::{Instant, sleep, timeout};

    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_limit_in_flight() {
        let t0 = Instant::now();
        let gauge = Gauge::default();
        let pool = Pool::new(3);
        let handles = finishes("spawning 12 jobs on a pool of 3", async {
            let mut handles = Vec::new();
            for _ in 0..12 {
                handles.push(pool.spawn(gauge.job(ms(10))).await);
            }
            handles
        })
        .await;
        for handle in handles {
            finishes("a pool job", handle)
                .await
                .expect("a pool job panicked");
        }
        assert_eq!(
            gauge.max(),
            3,
            "a pool of 3 slots ran up to {} jobs at once: each job must hold its slot (an owned \
             semaphore permit moved into the task) from start to end, and 3 must run together",
            gauge.max()
        );
        assert_about(
            "12 jobs of 10 ms, 3 at a time (4 rounds; each freed slot must go to the waiting spawn \
             at once, not at the next retry)",
            t0.elapsed(),
            ms(40),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn spawn_waits_while_every_slot_is_busy() {
        let t0 = Instant::now();
        let gauge = Gauge::default();
        let pool = Pool::new(2);
        let first = finishes("spawn", pool.spawn(gauge.job(ms(100)))).await;
        let second = finishes("spawn", pool.spawn(gauge.job(ms(100)))).await;
        let early = timeout(ms(50), pool.spawn(gauge.job(ms(1)))).await;
        assert!(
            early.is_err(),
            "both slots were busy, yet spawn returned at once: spawn itself must wait for a free \
             slot (that is the backpressure that keeps a producer from piling up tasks); take the \
             permit in spawn, before tokio::spawn"
        );
        let waiting = Harness::new()
            .named("Pool::spawn")
            .run(pool.spawn(gauge.job(ms(1))));
        let run = finishes("spawn", waiting).await;
        assert_about(
            "spawn returning when the first slot frees up",
            t0.elapsed(),
            ms(100),
        );
        assert!(
            run.polls <= 5,
            "spawn was polled {} times while it waited 100 ms for a slot: await the semaphore \
             (it wakes you when a permit is free) instead of retrying on a timer",
            run.polls
        );
        let third = run.output;
        for handle in [first, second, third] {
            finishes("a pool job", handle)
                .await
                .expect("a pool job panicked");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_freed_slot_is_reused_at_once() {
        let t0 = Instant::now();
        let pool = Pool::new(1);
        let (finish, finished) = oneshot::channel::<()>();
        let a = finishes(
            "spawn",
            pool.spawn(async move {
                let _ = finished.await;
                t0.elapsed()
            }),
        )
        .await;
        let ender = tokio::spawn(async move {
            sleep(ms(10)).await;
            let _ = finish.send(());
        });
        let b = finishes("spawn", pool.spawn(async move { t0.elapsed() })).await;
        let a_ended = finishes("job A", a).await.expect("job A panicked");
        let b_started = finishes("job B", b).await.expect("job B panicked");
        ender.await.expect("the test's helper task panicked");
        assert_eq!(
            b_started, a_ended,
            "job A ended at {a_ended:?} and freed the only slot, but job B started at \
             {b_started:?}: the waiting spawn must get the slot at the same instant (await the \
             semaphore, do not retry on a timer)"
        );
    }

    #[test]
    fn a_job_that_panics_or_is_aborted_gives_its_slot_back() {
        let outcome = quietly_paused(async {
            let pool = Pool::new(1);
            let boom = pool.spawn(async { panic!("job failed") }).await;
            let panicked = boom.await.map_err(|e| e.is_panic());
            let after_panic = timeout(ms(1000), pool.spawn(async { 1 })).await.is_ok();
            if !after_panic {
                return (panicked, false, false);
            }
            sleep(ms(1)).await;
            let Ok(long) = timeout(ms(1000), pool.spawn(sleep(ms(60_000)))).await else {
                return (panicked, true, false);
            };
            long.abort();
            let _ = long.await;
            let after_abort = timeout(ms(1000), pool.spawn(async { 2 })).await.is_ok();
            (panicked, after_panic, after_abort)
        });
        let (panicked, after_panic, after_abort) = match outcome {
            Ok(o) => o,
            Err(p) => panic!("the pool test itself panicked: {}", panic_text(&*p)),
        };
        assert_eq!(
            panicked,
            Err(true),
            "a job that panics shows as a panicked JoinError on its handle (spawn it with \
             tokio::spawn and return that handle)"
        );
        assert!(
            after_panic,
            "after a job panicked, the pool of 1 never gave a slot to the next job: the slot was \
             lost. Let the permit be dropped with the task (own it inside the task), rather than \
             handing it back by hand after the job returns"
        );
        assert!(
            after_abort,
            "after a job was aborted, the pool of 1 never gave a slot to the next job: an aborted \
             task's future is dropped, and its permit must go with it"
        );
    }
}

mod e05_stop {
    use super::*;
    use lesson_06::e05_stop::*;
    use shared::Harness;
    use shared::testing::{assert_about, finishes, within};
    use std::sync::atomic::AtomicU64;
    use tokio::time::{Instant, sleep, timeout};

    const AN_HOUR: Duration = Duration::from_secs(3600);

    #[tokio::test(start_paused = true)]
    async fn stop_cancels_at_once_and_the_cleanup_has_run() {
        let t = Tracker::default();
        let t0 = Instant::now();
        let worker = Worker::start(t.job(AN_HOUR, 1));
        sleep(ms(10)).await;
        let Ok(stopped) = timeout(ms(1000), worker.stop()).await else {
            panic!(
                "stopping a task that sleeps for an hour did not return: stop must cancel the \
                 task (JoinHandle::abort), not wait for it to end by itself"
            );
        };
        let cleaned_up = t.cancelled();
        assert_eq!(
            stopped,
            Stopped::Cancelled,
            "the task was stopped in the middle of its sleep: Stopped::Cancelled"
        );
        assert_eq!(
            cleaned_up, 1,
            "when stop returned, the task's cleanup (its drop guard) had not run yet: abort only \
             asks the task to stop; await the JoinHandle to wait until it has"
        );
        assert_about("stop", t0.elapsed(), ms(10));
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_had_finished_reports_its_output() {
        let t = Tracker::default();
        let worker = Worker::start(t.job(ms(5), 7));
        sleep(ms(10)).await;
        let stopped = finishes("stop", worker.stop()).await;
        assert_eq!(
            stopped,
            Stopped::Finished(7),
            "the task had finished (with 7) before stop was called: Stopped::Finished(7), not \
             Cancelled (aborting a finished task does nothing; its output is still in the handle)"
        );
    }

    #[test]
    fn a_panic_in_the_task_continues_in_the_caller() {
        let caught = quietly_paused(async {
            let worker = Worker::<u8>::start(async {
                sleep(ms(1)).await;
                panic!("disk on fire")
            });
            sleep(ms(5)).await;
            finishes("stop", worker.stop()).await
        });
        match caught {
            Err(panic) => {
                let text = panic_text(&*panic);
                assert!(
                    text == "disk on fire",
                    "Worker::start or stop panicked with {text:?}, but the task panicked with \"disk on fire\": \
                     the caller must see the task's own panic \
                     (std::panic::resume_unwind(join_error.into_panic()))"
                );
            }
            Ok(stopped) => panic!(
                "the task panicked with \"disk on fire\", but stop returned {stopped:?}: a panic is \
                 not a cancellation; continue it in the caller with \
                 std::panic::resume_unwind(join_error.into_panic())"
            ),
        }
    }

    /// Runs a BlockingJob whose steps take `step` of real time until `min_steps` ran, stops it, and
    /// reports (steps returned, steps counted at return, steps counted a while later), or why
    /// `stop` did not return.
    fn run_blocking(step: Duration, min_steps: u64) -> Result<(u64, u64, u64), String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("building a runtime");
        let counter = Arc::new(AtomicU64::new(0));
        let steps = Arc::clone(&counter);
        let result = runtime.block_on(async {
            let job = BlockingJob::start(move || {
                std::thread::sleep(step);
                steps.fetch_add(1, Ordering::SeqCst);
            });
            // Let a few steps run (bounded: a thread may take a while to start on a busy machine).
            let waiting = std::time::Instant::now();
            while counter.load(Ordering::SeqCst) < min_steps
                && waiting.elapsed() < Duration::from_secs(2)
            {
                tokio::time::sleep(ms(1)).await;
            }
            let stopping = Harness::new().named("BlockingJob::stop").run(job.stop());
            match timeout(Duration::from_secs(2), stopping).await {
                Ok(run) if run.polls > 20 => Err(format!(
                    "BlockingJob::stop was polled {} times while it waited for one step to end: \
                     await the spawn_blocking JoinHandle (it wakes you when the thread is done) \
                     instead of checking in a loop",
                    run.polls
                )),
                Ok(run) => Ok((run.output, counter.load(Ordering::SeqCst))),
                Err(_) => Err(
                    "BlockingJob::stop did not return within 2 s: JoinHandle::abort cannot \
                     interrupt a spawn_blocking closure that is running. Share an AtomicBool \
                     with the loop, check it before every step, and set it in stop"
                        .to_string(),
                ),
            }
        });
        let later = result.map(|(returned, at_return)| {
            std::thread::sleep(4 * step);
            (returned, at_return, counter.load(Ordering::SeqCst))
        });
        // A job that never stops would keep a plain drop of the runtime waiting forever.
        runtime.shutdown_timeout(ms(100));
        later
    }

    #[test]
    fn the_blocking_job_stops_when_asked_and_no_step_runs_after() {
        within(
            Duration::from_secs(20),
            "the BlockingJob test did not finish",
            || {
                for round in 0..5 {
                    let (returned, at_return, later) = match run_blocking(ms(2), 3) {
                        Ok(r) => r,
                        Err(why) => panic!("{why}"),
                    };
                    assert_eq!(
                        later, at_return,
                        "round {round}: a step finished after stop had returned: stop must wait \
                         until the thread has left its loop (await the spawn_blocking handle), \
                         not only raise the flag"
                    );
                    assert_eq!(
                        returned, at_return,
                        "round {round}: stop returned {returned}, but {at_return} steps ran: \
                         return the count the loop kept"
                    );
                    assert!(
                        at_return > 0,
                        "round {round}: no step ran within 2 s: start must begin calling step at \
                         once, on a blocking thread"
                    );
                }
            },
        );
    }
}

mod e06_scope {
    use super::*;
    use lesson_06::e06_scope::*;
    use shared::testing::{assert_about, finishes};
    use tokio::time::{Instant, sleep, timeout};

    #[tokio::test(start_paused = true)]
    async fn dropping_the_scope_cancels_its_tasks() {
        let t = Tracker::default();
        let mut scope = Scope::new();
        for i in 0..3 {
            scope.spawn(t.job(ms(1000), i));
        }
        sleep(ms(10)).await;
        drop(scope);
        sleep(ms(1)).await;
        let cancelled = t.cancelled();
        sleep(ms(2000)).await;
        assert_eq!(
            t.finished(),
            0,
            "{} tasks finished after their scope was dropped: dropping a JoinHandle detaches its \
             task; the scope must abort its tasks when it is dropped (a JoinSet does, or abort \
             each handle in a Drop impl)",
            t.finished()
        );
        assert_eq!(
            cancelled, 3,
            "a dropped scope's tasks are cancelled at their next .await (their drop guards run)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn join_all_returns_the_outputs_in_spawn_order() {
        let t = Tracker::default();
        let t0 = Instant::now();
        let mut scope = Scope::new();
        for (after, name) in [(30, 'a'), (10, 'b'), (20, 'c')] {
            scope.spawn(t.job(ms(after), name));
        }
        let out = finishes("join_all", scope.join_all()).await;
        assert_eq!(
            out,
            ['a', 'b', 'c'],
            "join_all returns the outputs in the order the tasks were spawned (they finished b, \
             c, a)"
        );
        assert_about(
            "three tasks of 10 to 30 ms running together",
            t0.elapsed(),
            ms(30),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_join_all_future_cancels_the_tasks() {
        let t = Tracker::default();
        let mut scope = Scope::new();
        for i in 0..3 {
            scope.spawn(t.job(ms(1000), i));
        }
        let out = timeout(ms(10), scope.join_all()).await;
        assert!(
            out.is_err(),
            "the tasks take 1 s: a 10 ms timeout around join_all fires"
        );
        sleep(ms(1)).await;
        let cancelled = t.cancelled();
        sleep(ms(2000)).await;
        assert_eq!(
            (t.finished(), cancelled),
            (0, 3),
            "a timeout dropped the join_all future after 10 ms, but the tasks were not all \
             cancelled (finished, cancelled): join_all owns the scope, so dropping it must abort \
             every task; handles moved out of the scope into join_all's own variables detach \
             their tasks when dropped"
        );
    }

    #[test]
    fn a_panic_reaches_join_all_and_the_rest_are_cancelled() {
        let t = Tracker::default();
        let tracker = t.clone();
        let caught = quietly_paused(async move {
            let mut scope = Scope::new();
            scope.spawn(tracker.job(ms(1000), 1));
            scope.spawn(async {
                sleep(ms(5)).await;
                panic!("task broke")
            });
            scope.spawn(tracker.job(ms(1000), 3));
            let t0 = Instant::now();
            let joined = tokio::spawn(scope.join_all()).await;
            let panicked_at = t0.elapsed();
            sleep(ms(1)).await;
            (
                panicked_at,
                joined.map_err(|e| e.is_panic().then(|| panic_text(&*e.into_panic()))),
                tracker.cancelled(),
            )
        });
        let (panicked_at, joined, cancelled) = match caught {
            Ok(result) => result,
            Err(p) => panic!(
                "Scope::new, Scope::spawn or dropping the scope panicked: {}",
                panic_text(&*p)
            ),
        };
        assert_eq!(
            joined,
            Err(Some("task broke".to_string())),
            "a task panicked with \"task broke\": join_all must continue that panic \
             (resume_unwind(join_error.into_panic())), not skip the task"
        );
        assert!(
            panicked_at <= ms(10),
            "a task panicked at 5 ms, but join_all passed the panic on only at {panicked_at:?}: \
             take the tasks as they finish (JoinSet::join_next), not in spawn order behind a \
             slow one"
        );
        assert_eq!(
            cancelled, 2,
            "after the panic left join_all, the other two tasks must be cancelled, not left \
             running"
        );
    }
}
