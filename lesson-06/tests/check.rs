//! Visible tests for lesson 06, one module per exercise (`cargo xtask check lesson-06`).
//!
//! Most tests run on tokio's paused clock (`#[tokio::test(start_paused = true)]`): tasks that
//! sleep for seconds finish in microseconds, and every instant can be checked exactly. Jobs
//! carry a drop guard (see `shared::testing::Tracker`), so a test can tell a job that finished from one that was
//! cancelled, and *when* it was cancelled. Code on real threads runs under
//! `shared::testing::within`, so a hang fails with a sentence.
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use shared::testing::{Gauge, Tracker, ms, panic_message, quiet_paused};

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

    type Job = std::pin::Pin<Box<dyn Future<Output = Result<u8, String>> + Send>>;

    #[test]
    fn a_panicking_job_continues_in_the_caller() {
        let t = Tracker::default();
        let tracker = t.clone();
        let caught = quiet_paused(async move {
            let jobs: Vec<Job> = vec![
                Box::pin(tracker.job(ms(10), Ok(1))),
                Box::pin(async {
                    sleep(ms(5)).await;
                    panic!("job 2 broke")
                }),
                Box::pin(tracker.job(ms(20), Ok(3))),
            ];
            finishes("fan_out", fan_out(jobs)).await
        });
        match caught {
            Err(message) => assert!(
                message == "job 2 broke",
                "fan_out panicked with {message:?}, but the job panicked with \"job 2 broke\": \
                 carry the job's own panic on (std::panic::resume_unwind(join_error.into_panic())); \
                 unwrap or expect on the JoinError starts a new panic with tokio's text instead"
            ),
            Ok(out) => panic!(
                "a job panicked with \"job 2 broke\", but fan_out returned {out:?}: a panic is a \
                 bug to report, not a result to skip; continue it in the caller with \
                 std::panic::resume_unwind(join_error.into_panic())"
            ),
        }
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
        let caught = quiet_paused(async move {
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
                panic
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
            "a job ran panic!(\"bad input {{}}\", 7): the message is \"bad input 7\", the panic's \
             own text (its payload, not the JoinError's Display). A formatted panic carries a \
             String, a literal one a &'static str: downcast the payload (the Box from into_panic \
             itself, not a reference to the Box) to both"
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

mod e03_send {
    use super::*;
    use lesson_06::e03_send::*;
    use shared::testing::{count_polls, finishes_within};
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
        let handle = shared::spawn_checked!("tally", tally(rx));
        for (i, line) in ["the cat", "", "the dog  and the cat"]
            .into_iter()
            .enumerate()
        {
            if tx.send(line.to_string()).await.is_err() {
                panic!(
                    "tally stopped reading before its channel closed (line {} of 3, {line:?}, \
                     could not be sent): it must keep receiving until recv() returns None; an \
                     empty line is a line without words, not the end of input",
                    i + 1
                );
            }
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
            "tally counts every word of every line (split on whitespace) until the channel closes \
             (an empty line, here the second, is just a line without words, not the end)"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn record_logs_each_line_as_it_arrives_and_leaves_the_log_unlocked() {
        let log = Arc::new(Mutex::new(vec!["from before".to_string()]));
        let (tx, rx) = mpsc::channel(8);
        let (counted, counts) = count_polls(record(log.clone(), rx));
        let handle = shared::spawn_checked!("record", counted);
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
        // record now waits for the next line: the log must be free, and record asleep.
        tokio::time::sleep(ms(5)).await;
        let polls_before = counts.polls();
        std::thread::sleep(ms(20));
        let polls_idle = counts.polls() - polls_before;
        assert!(
            polls_idle <= 3,
            "while record waited 20 ms for its next line it was polled {polls_idle} times: it \
             keeps itself busy instead of sleeping. Await lines.recv() (the channel wakes the task \
             when a line arrives) rather than calling try_recv in a loop with yield_now"
        );
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
        assert!(
            b_started >= a_ended,
            "job B started at {b_started:?}, while job A, in the pool's only slot, ran until \
             {a_ended:?}: job A did not hold its slot. The permit must live inside the task until \
             the job ends (`let _slot = permit;` in the task; `let _ = permit;` drops it at once, \
             and an async block that never uses it does not even capture it)"
        );
        assert_eq!(
            b_started, a_ended,
            "job A ended at {a_ended:?} and freed the only slot, but job B started at \
             {b_started:?}: the waiting spawn must get the slot at the same instant (await the \
             semaphore, do not retry on a timer)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_spawn_given_up_while_waiting_runs_nothing() {
        let t = Tracker::default();
        let pool = Pool::new(1);
        let busy = finishes("spawn", pool.spawn(sleep(ms(100)))).await;
        let given_up = timeout(ms(10), pool.spawn(t.job(ms(1), ()))).await;
        assert!(
            given_up.is_err(),
            "the only slot was busy for 100 ms, yet spawn returned within 10 ms: spawn itself \
             must wait for a free slot (take the permit in spawn, before tokio::spawn)"
        );
        finishes("the busy job", busy)
            .await
            .expect("the busy job panicked");
        sleep(ms(50)).await;
        assert_eq!(
            (t.finished(), t.cancelled()),
            (0, 1),
            "a spawn that was given up while it waited for a slot (a timeout dropped its future) \
             still ran its job once the slot freed up (finished, cancelled): nothing may start \
             before spawn holds the slot. Take the permit in spawn first, then tokio::spawn the \
             job with it; a task spawned early that queues for the permit outlives the caller \
             who gave up"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn aborting_the_handle_stops_the_job_itself() {
        let t = Tracker::default();
        let pool = Pool::new(1);
        let long = finishes("spawn", pool.spawn(t.job(ms(60_000), ()))).await;
        sleep(ms(1)).await;
        long.abort();
        let joined = finishes("an aborted pool job's handle", long).await;
        sleep(ms(1)).await;
        assert!(
            joined.as_ref().is_err_and(|e| e.is_cancelled()),
            "the handle spawn returned was aborted, so awaiting it gives a cancelled JoinError, \
             but it gave {joined:?}"
        );
        assert_eq!(
            t.cancelled(),
            1,
            "the handle spawn returned was aborted, yet the job itself was not cancelled: it is \
             still running, out of the pool's count. Return the JoinHandle of the task that runs \
             the job and holds the permit (a second task that awaits the job's task leaves that \
             one running, detached, when it is aborted)"
        );
        let next = timeout(ms(1000), pool.spawn(async {})).await;
        assert!(
            next.is_ok(),
            "after the only job was aborted, the pool of 1 never gave its slot to the next job"
        );
    }

    #[test]
    fn a_job_that_panics_or_is_aborted_gives_its_slot_back() {
        let outcome = quiet_paused(async {
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
            Err(p) => panic!("the pool test itself panicked: {}", p),
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
        let caught = quiet_paused(async {
            let worker = Worker::<u8>::start(async {
                sleep(ms(1)).await;
                panic!("disk on fire")
            });
            sleep(ms(5)).await;
            finishes("stop", worker.stop()).await
        });
        match caught {
            Err(panic) => {
                let text = panic;
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
    fn stop_waits_without_blocking_its_thread() {
        within(
            Duration::from_secs(20),
            "the BlockingJob test did not finish",
            || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("building a runtime");
                let started = Arc::new(AtomicU64::new(0));
                let starts = Arc::clone(&started);
                // The first step waits at a gate that the test opens only after stop's first poll
                // has returned, so a stop that blocks in that poll blocks for the gate's 1 s; then
                // it takes 50 ms more, which a stop that checks on a timer spends polling.
                let (open_gate, gate) = std::sync::mpsc::channel::<()>();
                let (first_poll, stopped, polls) = runtime.block_on(async {
                    let job = BlockingJob::start(move || {
                        if starts.fetch_add(1, Ordering::SeqCst) == 0 {
                            let _ = gate.recv_timeout(Duration::from_secs(1));
                            std::thread::sleep(ms(50));
                        }
                        std::thread::sleep(ms(1));
                    });
                    let waiting = std::time::Instant::now();
                    while started.load(Ordering::SeqCst) == 0
                        && waiting.elapsed() < Duration::from_secs(2)
                    {
                        tokio::time::sleep(ms(1)).await;
                    }
                    let (counted, counts) = shared::testing::count_polls(job.stop());
                    let mut stop = Box::pin(counted);
                    let polled = std::time::Instant::now();
                    let early = std::future::poll_fn(|cx| {
                        std::task::Poll::Ready(stop.as_mut().poll(cx).is_ready())
                    })
                    .await;
                    let first_poll = polled.elapsed();
                    let _ = open_gate.send(());
                    let stopped = if early {
                        Some(0)
                    } else {
                        timeout(Duration::from_secs(2), stop).await.ok()
                    };
                    (first_poll, stopped, counts.polls())
                });
                runtime.shutdown_timeout(ms(100));
                assert!(
                    first_poll < ms(500),
                    "BlockingJob::stop blocked the thread that polled it for {first_poll:?} while \
                     the step in progress went on: an async fn must not wait by blocking \
                     (thread::JoinHandle::join, thread::sleep, a std channel's recv), it stalls a \
                     runtime thread and every task on it. Await the spawn_blocking JoinHandle (or \
                     a tokio oneshot) instead"
                );
                let Some(steps) = stopped else {
                    panic!(
                        "BlockingJob::stop did not return within 2 s of its step ending: the \
                         loop must check a stop flag (an AtomicBool that stop sets) before every \
                         step; JoinHandle::abort cannot interrupt a spawn_blocking closure that \
                         is running"
                    );
                };
                assert!(
                    steps >= 1,
                    "stop says {steps} steps ran, but it was called during the first step: it \
                     returned before that step had ended. Wait until the thread has left its \
                     loop (await the spawn_blocking JoinHandle) and return the count the loop \
                     kept"
                );
                assert_eq!(
                    steps, 1,
                    "stop was called during the first step, yet stop says {steps} steps ran: the \
                     job must look at the flag before every step and run no step once it is \
                     raised (checking it only now and then makes stop wait for many steps)"
                );
                assert!(
                    polls <= 5,
                    "BlockingJob::stop was polled {polls} times while the step in progress took \
                     50 ms to end: it checks on a timer (or yields in a loop) instead of waiting \
                     to be woken. Await the spawn_blocking JoinHandle: it wakes you once, when \
                     the thread is done"
                );
            },
        );
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
    use shared::Harness;
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
    async fn spawn_starts_the_task_at_once() {
        let t = Tracker::default();
        let mut scope = Scope::new();
        scope.spawn(t.job(ms(10), 1));
        sleep(ms(20)).await;
        let ran_before_join = t.finished();
        let out = finishes("join_all", scope.join_all()).await;
        assert_eq!(
            ran_before_join, 1,
            "a 10 ms task spawned on the scope had not finished 20 ms later (join_all not called \
             yet): spawn must start the task at once, as a tokio task (JoinSet::spawn), not keep \
             the future for join_all to start"
        );
        assert_eq!(out, [1], "join_all returns the one task's output");
    }

    #[tokio::test(start_paused = true)]
    async fn join_all_returns_the_outputs_in_spawn_order() {
        let t = Tracker::default();
        let t0 = Instant::now();
        let mut scope = Scope::new();
        for (after, name) in [(30, 'a'), (10, 'b'), (20, 'c')] {
            scope.spawn(t.job(ms(after), name));
        }
        let run = Harness::new()
            .named("Scope::join_all")
            .run(scope.join_all());
        let run = finishes("join_all", run).await;
        assert!(
            run.polls <= 8,
            "join_all was polled {} times while its 3 tasks ran for 30 ms: it checks on them \
             over and over (a timer, or yield_now) instead of waiting to be woken. Await the \
             tasks (JoinSet::join_next wakes you when one finishes)",
            run.polls
        );
        let out = run.output;
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
             their tasks when dropped, and so does a JoinSet handed to a task of its own that \
             join_all only awaits (dropping a JoinHandle detaches that task)"
        );
    }

    #[test]
    fn a_panic_reaches_join_all_and_the_rest_are_cancelled() {
        let t = Tracker::default();
        let tracker = t.clone();
        let caught = quiet_paused(async move {
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
                joined.map_err(|e| e.is_panic().then(|| panic_message(&*e.into_panic()))),
                tracker.cancelled(),
            )
        });
        let (panicked_at, joined, cancelled) = match caught {
            Ok(result) => result,
            Err(p) => panic!(
                "Scope::new, Scope::spawn or dropping the scope panicked: {}",
                p
            ),
        };
        assert_eq!(
            joined,
            Err(Some("task broke".to_string())),
            "a task panicked with \"task broke\": join_all must continue that very \
             panic (resume_unwind(join_error.into_panic())), neither skip the task nor start a \
             new panic with other text (unwrap, expect or panic! on the JoinError)"
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
             running: the scope's tasks must go with it while the panic unwinds (a JoinSet, or \
             an aborting Drop on what holds the handles; JoinHandles moved out of the scope \
             into join_all's own variables detach their tasks when dropped)"
        );
    }
}
