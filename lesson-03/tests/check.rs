//! Visible tests for lesson 03. One module per exercise, named like the exercise id; run them with
//! `cargo xtask check 03` (or `cargo test -p lesson-03 --test check`).
//!
//! Tests that build their own runtime are plain `#[test]`s and run the code under [`within`], a
//! watchdog that turns a hang into a failure with a message instead of a silent timeout.

use shared::time_limit::within;

mod e01_hand_built_runtimes {
    use super::within;
    use lesson_03::e01_hand_built_runtimes::*;
    use std::time::{Duration, Instant};
    use tokio::runtime::{Handle, RuntimeFlavor};

    const LIMIT: Duration = Duration::from_secs(3);

    #[test]
    fn current_thread_runtime_runs_tasks_on_the_calling_thread() {
        within(LIMIT, "a 1 ms sleep never finished", || {
            let rt = current_thread_runtime();
            assert_eq!(
                rt.handle().runtime_flavor(),
                RuntimeFlavor::CurrentThread,
                "current_thread_runtime() must use Builder::new_current_thread()"
            );
            let caller = std::thread::current().id();
            let task_thread = rt.block_on(async {
                // Needs the timer driver: panics with "timers are disabled" without it.
                tokio::time::sleep(Duration::from_millis(1)).await;
                tokio::spawn(async { std::thread::current().id() })
                    .await
                    .expect("the spawned task failed")
            });
            assert_eq!(
                task_thread, caller,
                "on a current_thread runtime, spawned tasks run on the thread that calls block_on"
            );
        });
    }

    #[test]
    fn multi_thread_runtime_has_the_requested_named_workers() {
        within(LIMIT, "the multi_thread runtime did not finish", || {
            let rt = multi_thread_runtime(2, "gear-worker");
            assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
            assert_eq!(rt.metrics().num_workers(), 2, "asked for 2 worker threads");
            let name = rt.block_on(async {
                tokio::time::sleep(Duration::from_millis(1)).await;
                tokio::spawn(async {
                    std::thread::current()
                        .name()
                        .unwrap_or("<unnamed>")
                        .to_string()
                })
                .await
                .expect("the spawned task failed")
            });
            assert_eq!(
                name, "gear-worker",
                "spawned tasks run on the named workers"
            );
        });
    }

    #[test]
    fn tokio_main_equivalent_is_multi_threaded_with_timers() {
        let (flavor, value) = within(LIMIT, "run_like_tokio_main never returned", || {
            run_like_tokio_main(async {
                tokio::time::sleep(Duration::from_millis(1)).await;
                (Handle::current().runtime_flavor(), 42)
            })
        });
        assert_eq!(value, 42);
        assert_eq!(
            flavor,
            RuntimeFlavor::MultiThread,
            "#[tokio::main] without arguments builds a multi_thread runtime"
        );
    }

    #[test]
    fn paused_test_equivalent_skips_an_hour_instantly() {
        let real = Instant::now();
        let (flavor, slept) = within(
            LIMIT,
            "an hour-long sleep really slept: is the clock paused (start_paused)?",
            || {
                run_like_paused_tokio_test(async {
                    let start = tokio::time::Instant::now();
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    (Handle::current().runtime_flavor(), start.elapsed())
                })
            },
        );
        assert_eq!(
            flavor,
            RuntimeFlavor::CurrentThread,
            "#[tokio::test] defaults to current_thread"
        );
        assert!(
            slept >= Duration::from_secs(3600),
            "virtual time advanced only {slept:?}"
        );
        assert!(
            real.elapsed() < Duration::from_secs(1),
            "the paused clock should skip ahead at once"
        );
    }
}

mod e02_sync_bridge {
    use super::within;
    use lesson_03::e02_sync_bridge::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;
    use tokio::runtime::Builder;

    const LIMIT: Duration = Duration::from_secs(3);

    #[test]
    fn in_runtime_tells_inside_from_outside() {
        assert!(
            !in_runtime(),
            "a plain #[test] thread is not inside a runtime"
        );
        let rt = Builder::new_current_thread().enable_all().build().unwrap();
        assert!(
            rt.block_on(async { in_runtime() }),
            "inside block_on you are in a runtime"
        );
        let other = std::thread::spawn(in_runtime).join().unwrap();
        assert!(!other, "a fresh std::thread is not inside a runtime");
    }

    #[test]
    fn total_blocking_sums_the_parts() {
        let total = within(LIMIT, "total_blocking never returned", || {
            let rt = Builder::new_current_thread().enable_all().build().unwrap();
            total_blocking(&rt, &["gear", "spring", "axle"])
        });
        assert_eq!(total, 12 + 3 + 25);
    }

    #[test]
    fn total_via_handle_works_from_a_plain_thread() {
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let handle = rt.handle().clone();
        // `within` calls the closure on a fresh thread that is not part of the runtime.
        let total = within(LIMIT, "total_via_handle never returned", move || {
            total_via_handle(&handle, &["gear", "axle"])
        });
        assert_eq!(total, 12 + 25);
    }

    #[test]
    fn block_on_checked_runs_the_future_outside_a_runtime() {
        let total = within(LIMIT, "block_on_checked never returned", || {
            block_on_checked(async { lookup_price("gear").await + lookup_price("spring").await })
        });
        assert_eq!(total, Ok(15));
    }

    #[tokio::test(start_paused = true)]
    async fn block_on_checked_refuses_inside_a_runtime() {
        let polled = Arc::new(AtomicBool::new(false));
        let flag = polled.clone();
        // A wrong answer panics here with Tokio's "Cannot start a runtime from within a runtime".
        let result = block_on_checked(async move {
            flag.store(true, Ordering::SeqCst);
            7
        });
        assert_eq!(
            result,
            Err(NestedRuntime),
            "inside a runtime the answer is Err(NestedRuntime)"
        );
        assert!(
            !polled.load(Ordering::SeqCst),
            "the future must not be polled when refusing"
        );
    }
}

mod e03_join_outcomes {
    use lesson_03::e03_join_outcomes::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;
    use tokio::time::{Instant, sleep, timeout};

    /// Every test body runs under this virtual-time limit, so a wrong answer fails instead of hanging.
    const LIMIT: Duration = Duration::from_secs(60);

    /// Sets its flag when dropped: shows whether an aborted task's future was really dropped.
    struct DropFlag(Arc<AtomicBool>);
    impl Drop for DropFlag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn settle_reports_a_finished_task() {
        let handle = tokio::spawn(async {
            sleep(Duration::from_millis(5)).await;
            42
        });
        let outcome = timeout(LIMIT, settle(handle))
            .await
            .expect("settle never returned");
        assert_eq!(outcome, Outcome::Finished(42));
    }

    #[tokio::test(start_paused = true)]
    async fn settle_reports_a_panic_with_its_message() {
        let handle = tokio::spawn(async {
            sleep(Duration::from_millis(1)).await;
            if true {
                panic!("gear slipped");
            }
            0u8
        });
        let outcome = timeout(LIMIT, settle(handle))
            .await
            .expect("settle never returned");
        assert_eq!(outcome, Outcome::Panicked("gear slipped".to_string()));
    }

    #[tokio::test(start_paused = true)]
    async fn settle_reports_an_aborted_task() {
        let handle = tokio::spawn(sleep(Duration::from_secs(3600)));
        handle.abort();
        let outcome = timeout(LIMIT, settle(handle))
            .await
            .expect("settle never returned");
        assert_eq!(outcome, Outcome::Cancelled);
    }

    #[tokio::test(start_paused = true)]
    async fn run_with_budget_returns_as_soon_as_the_task_ends() {
        let start = Instant::now();
        let outcome = timeout(
            LIMIT,
            run_with_budget(
                async {
                    sleep(Duration::from_millis(3)).await;
                    "quick"
                },
                Duration::from_millis(10),
            ),
        )
        .await
        .expect("run_with_budget never returned");
        assert_eq!(outcome, Outcome::Finished("quick"));
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(3),
            "do not wait out the whole budget"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn run_with_budget_aborts_a_slow_task() {
        let dropped = Arc::new(AtomicBool::new(false));
        let finished = Arc::new(AtomicBool::new(false));
        let (guard, done) = (DropFlag(dropped.clone()), finished.clone());
        let start = Instant::now();
        let outcome = timeout(
            LIMIT,
            run_with_budget(
                async move {
                    let _guard = guard;
                    sleep(Duration::from_millis(50)).await;
                    done.store(true, Ordering::SeqCst);
                },
                Duration::from_millis(10),
            ),
        )
        .await
        .expect("run_with_budget never returned");
        assert_eq!(outcome, Outcome::Cancelled);
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(10),
            "give up exactly when the budget ends"
        );
        assert!(
            dropped.load(Ordering::SeqCst),
            "when run_with_budget returns, the task's future must already be dropped: \
             abort() the JoinHandle (dropping it only detaches the task), then await it"
        );
        sleep(Duration::from_millis(100)).await;
        assert!(
            !finished.load(Ordering::SeqCst),
            "the slow task kept running after the budget: dropping a JoinHandle only detaches the task"
        );
    }
}

mod e04_local_scoreboard {
    use super::within;
    use lesson_03::e04_local_scoreboard::*;
    use std::collections::BTreeMap;
    use std::time::Duration;
    use tokio::time::{Instant, timeout};

    const LIMIT: Duration = Duration::from_secs(60);

    fn player(name: &str, rounds: &[u32]) -> Player {
        (name.to_string(), rounds.to_vec())
    }

    fn board(entries: &[(&str, u32)]) -> BTreeMap<String, u32> {
        entries.iter().map(|(n, s)| (n.to_string(), *s)).collect()
    }

    #[tokio::test(start_paused = true)]
    async fn totals_every_player() {
        let players = vec![
            player("ada", &[3, 4]),
            player("bo", &[10]),
            player("cy", &[]),
        ];
        let result = timeout(LIMIT, play(players))
            .await
            .expect("play never finished");
        assert_eq!(
            result,
            board(&[("ada", 7), ("bo", 10), ("cy", 0)]),
            "missing or short scores: did you wait for every spawn_local task before returning?"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn players_take_their_turns_concurrently() {
        let players = vec![
            player("ada", &[1; 5]),
            player("bo", &[2; 5]),
            player("cy", &[3; 5]),
        ];
        let start = Instant::now();
        let result = timeout(LIMIT, play(players))
            .await
            .expect("play never finished");
        assert_eq!(result, board(&[("ada", 5), ("bo", 10), ("cy", 15)]));
        assert_eq!(
            start.elapsed(),
            ROUND * 5,
            "three players of five rounds each should take 5 rounds when they play at the same time"
        );
    }

    #[test]
    fn play_blocking_from_sync_code() {
        let result = within(
            Duration::from_secs(3),
            "play_blocking never returned",
            || play_blocking(vec![player("dee", &[4, 4, 4]), player("eli", &[9])]),
        );
        assert_eq!(result, board(&[("dee", 12), ("eli", 9)]));
    }
}

mod e05_fair_cruncher {
    use lesson_03::e05_fair_cruncher::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// Bounds the heartbeat loop so nothing can spin forever, whatever `crunch` does.
    const MAX_BEATS: usize = 1_000_000;

    fn expected(rounds: u64) -> u64 {
        (0..rounds).fold(SEED, |state, _| mix(state))
    }

    /// Spawns a heartbeat and a cruncher on the current (single) thread; returns what `crunch`
    /// returned and every progress value the heartbeat saw, in order.
    async fn crunch_beside_heartbeat(rounds: u64) -> (u64, Vec<u64>) {
        let progress = Arc::new(AtomicU64::new(0));
        let watched = progress.clone();
        let heartbeat = tokio::spawn(async move {
            let mut seen = Vec::new();
            for _ in 0..MAX_BEATS {
                let now = watched.load(Ordering::Relaxed);
                seen.push(now);
                if now == rounds {
                    break;
                }
                tokio::task::yield_now().await;
            }
            seen
        });
        let worker = tokio::spawn(crunch(rounds, progress));
        let result = worker.await.expect("crunch panicked");
        let seen = heartbeat.await.expect("the heartbeat panicked");
        (result, seen)
    }

    #[tokio::test(start_paused = true)]
    async fn crunch_computes_the_right_state() {
        let progress = Arc::new(AtomicU64::new(0));
        assert_eq!(crunch(1_000, progress.clone()).await, expected(1_000));
        assert_eq!(
            progress.load(Ordering::Relaxed),
            1_000,
            "progress ends at `rounds`"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn heartbeat_keeps_beating_during_a_long_crunch() {
        let rounds = 10_000;
        let (result, seen) = crunch_beside_heartbeat(rounds).await;
        assert_eq!(result, expected(rounds));
        let midway = seen.iter().filter(|&&p| p > 0 && p < rounds).count();
        assert!(
            midway >= 10,
            "the heartbeat saw progress only at {:?}…: crunch kept the thread for the whole loop. \
             Give it back with tokio::task::yield_now().await inside the loop",
            &seen[..seen.len().min(8)]
        );
        // The scheduler may now and then poll the cruncher twice before the heartbeat; a few
        // yields' worth of rounds between two beats is fine, a long stretch is not.
        let worst = seen.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
        let allowed = 4 * MAX_ROUNDS_WITHOUT_YIELD;
        assert!(
            worst <= allowed,
            "crunch ran {worst} rounds between two heartbeats (allowed: {allowed}): \
             yield at least every {MAX_ROUNDS_WITHOUT_YIELD} rounds"
        );
    }
}

mod e06_traced_task {
    use super::within;
    use lesson_03::e06_traced_task::*;
    use std::time::Duration;
    use tokio::time::timeout;

    #[tokio::test(start_paused = true)]
    async fn yield_now_is_woken_by_the_scheduler_thread() {
        let here = current_thread_name();
        let (fut, log) = traced(async {
            tokio::task::yield_now().await;
            tokio::task::yield_now().await;
            "done"
        });
        let handle = tokio::spawn(fut);
        let output = timeout(Duration::from_secs(60), handle)
            .await
            .expect(
                "the traced task was never polled again after a wake: \
                 does your waker pass each wake on to the waker from cx.waker()?",
            )
            .expect("the traced task panicked");
        assert_eq!(output, "done");
        assert_eq!(log.polls(), 3, "two yields: Pending, Pending, Ready");
        assert_eq!(
            log.wake_threads(),
            vec![here.clone(); 2],
            "each yield_now wakes its task once; record wakes in the waker you hand to the inner future"
        );
        assert_eq!(
            log.poll_threads(),
            vec![here; 3],
            "a current_thread runtime polls on its own thread"
        );
        assert!(log.is_ready());
    }

    #[test]
    fn a_channel_is_woken_by_the_sending_thread() {
        let log = within(
            Duration::from_secs(3),
            "the traced task never finished",
            || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .thread_name("gear-worker")
                    .enable_all()
                    .build()
                    .unwrap();
                let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
                let (fut, log) = traced(rx);
                let task = rt.spawn(fut);
                let watch = log.clone();
                let sender = std::thread::Builder::new()
                    .name("signal-thread".into())
                    .spawn(move || {
                        // Send only once the task is waiting on the channel (bounded wait).
                        for _ in 0..1_000 {
                            if watch.polls() > 0 {
                                break;
                            }
                            std::thread::sleep(Duration::from_millis(1));
                        }
                        tx.send(9).unwrap();
                    })
                    .unwrap();
                let got = rt
                    .block_on(async { timeout(Duration::from_secs(2), task).await })
                    .expect("no poll after the send: is the wake passed on to Tokio's waker?")
                    .expect("the traced task panicked");
                sender.join().unwrap();
                assert_eq!(got, Ok(9));
                log
            },
        );
        assert_eq!(
            log.polls(),
            2,
            "Pending (nothing sent yet), then Ready after the wake"
        );
        assert_eq!(
            log.wake_threads(),
            ["signal-thread"],
            "the sender's thread calls wake"
        );
        assert_eq!(
            log.poll_threads(),
            ["gear-worker", "gear-worker"],
            "polls happen on the worker"
        );
        assert!(log.is_ready());
    }
}
