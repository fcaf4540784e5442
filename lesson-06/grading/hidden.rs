//! Hidden tests for lesson 06 (grading only; not in the student edition).
//!
//! The same promises as the visible tests, from other angles: more jobs, other orders, worker
//! threads instead of one, and bounded stress loops for what can race.
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use shared::testing::{Gauge, Tracker, ms, quiet_paused};

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

    #[tokio::test(start_paused = true)]
    async fn each_job_is_a_task_of_its_own() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let jobs: Vec<_> = (1..=4u64)
            .map(|i| {
                let seen = Arc::clone(&seen);
                async move {
                    sleep(ms(i)).await;
                    seen.lock().expect("poisoned").push(tokio::task::try_id());
                    Ok::<u64, ()>(i)
                }
            })
            .collect();
        let caller = tokio::spawn(async move { (tokio::task::id(), fan_out(jobs).await) });
        let (caller, out) = finishes("fan_out in a task", caller)
            .await
            .expect("fan_out panicked");
        assert_eq!(
            out,
            Ok(vec![1, 2, 3, 4]),
            "four jobs of 1 to 4 ms, in that order"
        );
        let seen = seen.lock().expect("poisoned").clone();
        let mut ids: Vec<_> = seen.iter().flatten().filter(|id| **id != caller).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(
            ids.len(),
            4,
            "inside the jobs tokio::task::try_id() gave {seen:?} (fan_out's own task: \
             {caller:?}): the jobs did not each run as a task of their own. Polled inside \
             fan_out's future they share its thread and stand still whenever it is not polled; \
             spawn each one (JoinSet::spawn)"
        );
    }

    #[test]
    fn a_formatted_panic_on_a_worker_thread_continues_in_the_caller() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("building a runtime");
        let joined = runtime.block_on(async {
            let jobs: Vec<Job<u8, ()>> = vec![
                Box::pin(async { Ok(1) }),
                Box::pin(shared::testing::quietly(async {
                    panic!("job {} broke", 2);
                })),
            ];
            tokio::time::timeout(Duration::from_secs(5), tokio::spawn(fan_out(jobs))).await
        });
        runtime.shutdown_timeout(ms(100));
        let Ok(joined) = joined else {
            panic!("fan_out did not return within 5 s after a job panicked");
        };
        match joined {
            Err(e) if e.is_panic() => {
                let text = shared::testing::panic_message(&*e.into_panic());
                assert_eq!(
                    text, "job 2 broke",
                    "fan_out must continue the job's own panic (resume_unwind), not a new one"
                );
            }
            other => panic!(
                "a job panicked with \"job 2 broke\", but fan_out gave {other:?}: continue the \
                 panic in the caller (resume_unwind(join_error.into_panic()))"
            ),
        }
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

    fn caught<T>(result: Result<T, String>) -> T {
        match result {
            Ok(value) => value,
            Err(panic) => panic!(
                "run_jobs itself panicked ({:?}): a job's panic must come back as Err(JobPanicked)",
                panic
            ),
        }
    }

    #[test]
    fn fifty_jobs_every_seventh_panics() {
        let t = Tracker::default();
        let tracker = t.clone();
        let (out, finished) = caught(quiet_paused(async move {
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

    #[tokio::test(start_paused = true)]
    async fn each_job_is_a_task_of_its_own() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let jobs: Vec<(String, Job)> = (1..=4usize)
            .map(|i| {
                let seen = Arc::clone(&seen);
                let job: Job = Box::pin(async move {
                    sleep(ms(i as u64)).await;
                    seen.lock().expect("poisoned").push(tokio::task::try_id());
                    i
                });
                (format!("j{i}"), job)
            })
            .collect();
        let caller = tokio::spawn(async move { (tokio::task::id(), run_jobs(jobs).await) });
        let (caller, out) = finishes("run_jobs in a task", caller)
            .await
            .expect("run_jobs panicked");
        assert_eq!(
            out,
            Ok(vec![1, 2, 3, 4]),
            "four jobs, outputs in list order"
        );
        let seen = seen.lock().expect("poisoned").clone();
        let mut ids: Vec<_> = seen.iter().flatten().filter(|id| **id != caller).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(
            ids.len(),
            4,
            "inside the jobs tokio::task::try_id() gave {seen:?} (run_jobs's own task: \
             {caller:?}): the jobs did not each run as a task of their own (tokio::spawn each; \
             catching panics by hand on the caller's task is not the same: they share its thread)"
        );
    }

    #[test]
    fn a_panic_without_text_is_still_named() {
        let t = Tracker::default();
        let tracker = t.clone();
        let out = caught(quiet_paused(async move {
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
        let handle = shared::spawn_checked!("tally", tally(rx));
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
    async fn a_line_that_meets_a_busy_log_waits_for_it() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel(4);
        let handle = shared::spawn_checked!("record", record(log.clone(), rx));
        // Another user holds the log for 30 ms while a line arrives.
        let (locked, is_locked) = std::sync::mpsc::channel::<()>();
        let holder = {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                let _busy = log.lock().expect("poisoned");
                let _ = locked.send(());
                std::thread::sleep(ms(30));
            })
        };
        let _ = is_locked.recv_timeout(Duration::from_secs(2));
        tx.send("while busy".into())
            .await
            .expect("record dropped its input");
        tokio::time::sleep(ms(5)).await;
        holder.join().expect("the test's lock holder panicked");
        drop(tx);
        let appended = finishes_within("record", LIMIT, handle)
            .await
            .expect("record panicked");
        assert_eq!(
            (appended, log.lock().expect("poisoned").clone()),
            (1, vec!["while busy".to_string()]),
            "a line arrived while another user held the log for 30 ms: record must wait for the \
             lock (a short wait) and append it, never drop it (try_lock that gives up loses lines)"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_recorders_share_one_log() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx_a, rx_a) = mpsc::channel(1);
        let (tx_b, rx_b) = mpsc::channel(1);
        let a = shared::spawn_checked!("record", record(log.clone(), rx_a));
        let b = shared::spawn_checked!("record", record(log.clone(), rx_b));
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

mod e04_pool {
    use super::*;
    use lesson_06::e04_pool::*;
    use shared::testing::{assert_about, finishes, within};
    use tokio::time::{Instant, timeout};

    #[test]
    fn two_hundred_jobs_some_panicking_and_the_pool_stays_whole() {
        let outcome = quiet_paused(async {
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
            Err(p) => panic!("the pool test itself panicked: {}", p),
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
