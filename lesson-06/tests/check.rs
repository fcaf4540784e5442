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
            cancelled_at_return,
            3,
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
        assert_eq!(out, Ok(vec![]), "fan_out of no jobs returns Ok(empty) at once");
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
    fn run(t: &Tracker, jobs: Vec<(String, Job)>) -> (Result<Vec<char>, JobPanicked>, usize, Duration) {
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
        assert_about("run_jobs (the slowest job takes 30 ms)", returned_at, ms(30));
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
