//! Visible tests for lesson 03. One module per exercise, named like the exercise id; run them with
//! `cargo xtask check 03` (or `cargo test -p lesson-03 --test check`).
//!
//! Tests that build their own runtime are plain `#[test]`s and run the code under [`within`], a
//! watchdog that turns a hang into a failure with a message instead of a silent timeout. Tests on
//! tokio's paused clock await through `shared::testing::finishes`, which fails at once when a
//! future waits for something nobody will do, and after a few real seconds when it keeps the
//! runtime busy without finishing.

use shared::testing::{quiet_panic, within};

/// Runs `f`, and turns a panic inside Tokio into a failure that names the exercise's promise:
/// Tokio's own sentence ("timers are disabled") names Tokio's rule, not what to change.
fn explained<T>(what: &str, f: impl FnOnce() -> T) -> T {
    match quiet_panic(f) {
        Ok(value) => value,
        Err(tokio) if tokio.contains("timers are disabled") => panic!(
            "{what}: a sleep found no timer driver (Tokio: \"{tokio}\"). A runtime only has \
             the drivers you enable: call .enable_all() on the Builder"
        ),
        Err(tokio) if tokio.contains("within a runtime") || tokio.contains("drop a runtime") => {
            panic!(
                "{what}: Tokio refused to start or drop a runtime inside another one (\"{tokio}\"). \
                 Check Handle::try_current() first, and return Err(NestedRuntime) before \
                 building anything"
            )
        }
        Err(other) => panic!("{what} panicked: {other}"),
    }
}

mod e01_hand_built_runtimes {
    use super::{explained, within};
    use lesson_03::e01_hand_built_runtimes::*;
    use std::time::{Duration, Instant};
    use tokio::runtime::{Handle, RuntimeFlavor};

    const LIMIT: Duration = Duration::from_secs(3);

    #[test]
    fn current_thread_runtime_runs_tasks_on_the_calling_thread() {
        within(LIMIT, "a 1 ms sleep never finished", || {
            let rt = explained("current_thread_runtime()", current_thread_runtime);
            assert_eq!(
                rt.handle().runtime_flavor(),
                RuntimeFlavor::CurrentThread,
                "current_thread_runtime() must use Builder::new_current_thread()"
            );
            let caller = std::thread::current().id();
            let task_thread = explained("a 1 ms sleep on current_thread_runtime()", || {
                rt.block_on(async {
                    // Needs the timer driver: panics with "timers are disabled" without it.
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    tokio::spawn(async { std::thread::current().id() })
                        .await
                        .expect("the spawned task failed")
                })
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
            // Three, not the machine's core count: a runtime left at its default must not pass.
            let rt = explained("multi_thread_runtime(3, ..)", || {
                multi_thread_runtime(3, "gear-worker")
            });
            assert_eq!(
                rt.handle().runtime_flavor(),
                RuntimeFlavor::MultiThread,
                "multi_thread_runtime() must use Builder::new_multi_thread()"
            );
            assert_eq!(
                rt.metrics().num_workers(),
                3,
                "asked for 3 worker threads: pass `workers` to Builder::worker_threads (the \
                 default is one per CPU core)"
            );
            let name = explained("a 1 ms sleep on multi_thread_runtime(..)", || {
                rt.block_on(async {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    tokio::spawn(async {
                        std::thread::current()
                            .name()
                            .unwrap_or("<unnamed>")
                            .to_string()
                    })
                    .await
                    .expect("the spawned task failed")
                })
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
            explained("run_like_tokio_main with a 1 ms sleep", || {
                run_like_tokio_main(async {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    (Handle::current().runtime_flavor(), 42)
                })
            })
        });
        assert_eq!(
            value, 42,
            "run_like_tokio_main returns what its future returned"
        );
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
                explained("run_like_paused_tokio_test with an hour-long sleep", || {
                    run_like_paused_tokio_test(async {
                        let start = tokio::time::Instant::now();
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        (Handle::current().runtime_flavor(), start.elapsed())
                    })
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
    use super::{explained, within};
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
        let rt = Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("building a test runtime");
        assert!(
            rt.block_on(async { in_runtime() }),
            "inside block_on you are in a runtime"
        );
        let other = std::thread::spawn(in_runtime)
            .join()
            .expect("in_runtime() must not panic: use Handle::try_current, not Handle::current");
        assert!(!other, "a fresh std::thread is not inside a runtime");
    }

    #[test]
    fn total_blocking_sums_the_parts() {
        let total = within(
            LIMIT,
            "total_blocking never returned: lookup_price waits on a timer, and on a \
             current_thread runtime only Runtime::block_on drives the timers (Handle::block_on \
             cannot). Call rt.block_on(..)",
            || {
                let rt = Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("building a test runtime");
                explained("total_blocking", || {
                    total_blocking(&rt, &["gear", "spring", "axle"])
                })
            },
        );
        assert_eq!(total, 12 + 3 + 25, "the total of every part's price");
    }

    #[test]
    fn total_via_handle_works_from_a_plain_thread() {
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("building a test runtime");
        let handle = rt.handle().clone();
        // `within` calls the closure on a fresh thread that is not part of the runtime.
        let total = within(LIMIT, "total_via_handle never returned", move || {
            explained("total_via_handle", || {
                total_via_handle(&handle, &["gear", "axle"])
            })
        });
        assert_eq!(total, 12 + 25, "the total of every part's price");
    }

    #[test]
    fn block_on_checked_runs_the_future_outside_a_runtime() {
        let total = within(LIMIT, "block_on_checked never returned", || {
            explained("block_on_checked outside a runtime", || {
                block_on_checked(async {
                    lookup_price("gear").await + lookup_price("spring").await
                })
            })
        });
        assert_eq!(
            total,
            Ok(15),
            "outside a runtime, block_on_checked runs the future and returns Ok(its output)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn block_on_checked_refuses_inside_a_runtime() {
        let polled = Arc::new(AtomicBool::new(false));
        let flag = polled.clone();
        // A wrong answer panics here, in Tokio ("Cannot start a runtime from within a runtime",
        // or "Cannot drop a runtime ..."): caught, so the message names the promise instead.
        let result = explained("block_on_checked inside a runtime", || {
            block_on_checked(async move {
                flag.store(true, Ordering::SeqCst);
                7
            })
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
    use shared::testing::{finishes_within, quietly};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;
    use tokio::time::{Instant, sleep};

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
        let outcome = finishes_within("settle", LIMIT, settle(handle)).await;
        assert_eq!(
            outcome,
            Outcome::Finished(42),
            "a task that returned a value is Finished(value)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn settle_reports_a_panic_with_its_message() {
        // `quietly`: this panic is meant to happen, so it is not printed.
        let handle = tokio::spawn(quietly(async {
            sleep(Duration::from_millis(1)).await;
            if true {
                panic!("gear slipped");
            }
            0u8
        }));
        let outcome = finishes_within("settle", LIMIT, settle(handle)).await;
        assert_eq!(
            outcome,
            Outcome::Panicked("gear slipped".to_string()),
            "a task that panicked is Panicked(its message): JoinError::is_panic, then \
             into_panic and downcast the payload to &str or String"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn settle_reports_an_aborted_task() {
        let handle = tokio::spawn(sleep(Duration::from_secs(3600)));
        handle.abort();
        let outcome = finishes_within("settle", LIMIT, settle(handle)).await;
        assert_eq!(outcome, Outcome::Cancelled, "an aborted task is Cancelled");
    }

    #[tokio::test(start_paused = true)]
    async fn run_with_budget_returns_as_soon_as_the_task_ends() {
        let start = Instant::now();
        let outcome = finishes_within(
            "run_with_budget",
            LIMIT,
            run_with_budget(
                async {
                    sleep(Duration::from_millis(3)).await;
                    "quick"
                },
                Duration::from_millis(10),
            ),
        )
        .await;
        assert_eq!(
            outcome,
            Outcome::Finished("quick"),
            "a task that ends within its budget is Finished(value)"
        );
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
        let outcome = finishes_within(
            "run_with_budget",
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
        .await;
        assert_eq!(
            outcome,
            Outcome::Cancelled,
            "a task still running when its budget ends is aborted: Cancelled"
        );
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
    use shared::testing::finishes_within;
    use std::collections::BTreeMap;
    use std::time::Duration;
    use tokio::time::Instant;

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
        let result = finishes_within("play", LIMIT, play(players)).await;
        let counted = |name: &str, total: u32| result.get(name) == Some(&total);
        assert!(
            counted("ada", 7) && counted("bo", 10),
            "the board {result:?} misses rounds of ada (7) or bo (10): when play returns, every \
             player's rounds must be counted; wait for every spawn_local task before returning"
        );
        assert_eq!(
            result,
            board(&[("ada", 7), ("bo", 10), ("cy", 0)]),
            "cy has no rounds and must still be on the board, with 0: every player appears"
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
        let result = finishes_within("play", LIMIT, play(players)).await;
        assert_eq!(
            result,
            board(&[("ada", 5), ("bo", 10), ("cy", 15)]),
            "every player's total of all their rounds"
        );
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
        assert_eq!(
            result,
            board(&[("dee", 12), ("eli", 9)]),
            "play_blocking gives the same board as play: when it returns, every player's rounds \
             are counted (every spawn_local task waited for)"
        );
    }
}

mod e05_fair_cruncher {
    use lesson_03::e05_fair_cruncher::*;
    use shared::testing::{count_polls, finishes};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// Bounds the heartbeat loop so nothing can spin forever, whatever `crunch` does.
    const MAX_BEATS: usize = 1_000_000;

    /// The longest stretch between two heartbeats a correct `crunch` shows. On this runtime the
    /// cruncher is polled twice between two beats now and then (both tasks' `yield_now` wakes
    /// wait for the same maintenance tick), so a cruncher yielding every `n` rounds shows
    /// stretches of up to `2 * n`: measured for `n` = 100 and 256, at the end or the start of
    /// each slice, and for `consume_budget` (`n` = 128), with two CPU-spinning threads beside the
    /// test. On a paused current_thread runtime the order of polls does not depend on the
    /// machine's load, so the bound needs no margin for it.
    const ALLOWED_STRETCH: u64 = 2 * MAX_ROUNDS_WITHOUT_YIELD;

    fn expected(rounds: u64) -> u64 {
        (0..rounds).fold(SEED, |state, _| mix(state))
    }

    /// What one crunch beside a heartbeat looked like.
    struct Seen {
        result: u64,
        /// Every progress value the heartbeat saw, in order.
        beats: Vec<u64>,
        /// How many times crunch returned Pending.
        yields: u64,
    }

    /// Spawns a heartbeat and a cruncher on the current (single) thread.
    async fn crunch_beside_heartbeat(rounds: u64) -> Seen {
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
        let (counted, counts) = count_polls(crunch(rounds, progress));
        let worker = tokio::spawn(counted);
        let result = finishes("crunch", worker).await.expect("crunch panicked");
        let beats = finishes("the heartbeat", heartbeat)
            .await
            .expect("the heartbeat panicked");
        let yields = counts.pendings();
        Seen {
            result,
            beats,
            yields,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn crunch_computes_the_right_state() {
        let progress = Arc::new(AtomicU64::new(0));
        assert_eq!(
            finishes("crunch", crunch(1_000, progress.clone())).await,
            expected(1_000),
            "crunch returns SEED mixed `rounds` times"
        );
        assert_eq!(
            progress.load(Ordering::Relaxed),
            1_000,
            "progress ends at `rounds`"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn heartbeat_keeps_beating_during_a_long_crunch() {
        let rounds = 10_000;
        let seen = crunch_beside_heartbeat(rounds).await;
        assert_eq!(
            seen.result,
            expected(rounds),
            "crunch returns SEED mixed `rounds` times"
        );
        let promised = rounds / MAX_ROUNDS_WITHOUT_YIELD;
        assert!(
            seen.yields > 0,
            "crunch never returned Pending in {rounds} rounds: it kept the thread for the whole \
             loop (std::thread::yield_now lets other threads run, not other tasks). Give the \
             thread back with tokio::task::yield_now().await inside the loop"
        );
        assert!(
            seen.yields >= promised,
            "crunch gave the thread back only {} times in {rounds} rounds: it must yield at least \
             every {MAX_ROUNDS_WITHOUT_YIELD} rounds, so at least {promised} times",
            seen.yields
        );
        let worst = seen
            .beats
            .windows(2)
            .map(|w| w[1] - w[0])
            .max()
            .unwrap_or(0);
        let midway = seen.beats.iter().filter(|&&p| p > 0 && p < rounds).count();
        assert!(
            worst <= ALLOWED_STRETCH && midway >= 10,
            "crunch returned Pending {} times, yet the heartbeat saw it run up to {worst} rounds \
             between two beats (allowed: {ALLOWED_STRETCH}): its yields did not let the \
             heartbeat in. A hand-made yield (wake_by_ref, then Pending) puts crunch straight \
             back in the run queue, while the heartbeat's own yield_now is only woken at Tokio's \
             next maintenance tick; tokio::task::yield_now().await waits its turn the same way",
            seen.yields
        );
    }
}

mod e06_traced_task {
    use super::within;
    use lesson_03::e06_traced_task::*;
    use shared::Harness;
    use shared::testing::{count_polls, finishes, wait_for_pendings};
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn yield_now_is_woken_by_the_scheduler_thread() {
        let here = current_thread_name();
        let (fut, log) = traced(async {
            tokio::task::yield_now().await;
            tokio::task::yield_now().await;
            "done"
        });
        let output = finishes(
            "the traced task (if a wake never leads to a poll: does your waker pass each wake \
             on to the waker from cx.waker()?)",
            tokio::spawn(fut),
        )
        .await
        .expect("the traced task panicked");
        assert_eq!(
            output, "done",
            "Traced returns what the inner future returned"
        );
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
        assert!(log.is_ready(), "after Ready the log must say is_ready()");
    }

    #[tokio::test(start_paused = true)]
    async fn every_wake_reaches_the_newest_waker() {
        // The harness is the executor here, and it hands every poll a new waker: a wake that
        // reaches only an older one is a stale wake (the spy must be made anew on every poll).
        let (fut, log) = traced(async {
            tokio::time::sleep(Duration::from_millis(1)).await;
            tokio::time::sleep(Duration::from_millis(1)).await;
            "rested"
        });
        let run = Harness::new().named("Traced<two sleeps>").run(fut).await;
        assert_eq!(
            run.output, "rested",
            "Traced returns what the inner future returned"
        );
        assert_eq!(
            (run.polls, log.polls()),
            (3, 3),
            "two sleeps: Pending, Pending, Ready, each poll recorded once"
        );
        assert_eq!(
            log.wake_threads().len(),
            2,
            "each timer wake is recorded once"
        );
    }

    #[test]
    fn sends_racing_the_poll_are_never_lost() {
        // A send may land before, during or after Traced's poll: in every case the task must
        // finish. Hundreds of rounds, each racing a sender thread against the first poll.
        const ROUNDS: u32 = 300;
        let finished = within(
            Duration::from_secs(5),
            "a traced receiver was never polled again after a send that raced its poll: every \
             wake must reach Tokio's waker, whenever it comes",
            || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .expect("building a test runtime");
                let (to_sender, senders) = std::sync::mpsc::channel::<(u32, _)>();
                let sender = std::thread::Builder::new()
                    .name("racing-sender".into())
                    .spawn(move || {
                        for (n, tx) in senders {
                            let tx: tokio::sync::oneshot::Sender<u32> = tx;
                            let _ = tx.send(n);
                        }
                    })
                    .expect("spawning the sender thread");
                let mut finished = 0;
                for n in 0..ROUNDS {
                    let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
                    let (fut, log) = traced(rx);
                    let task = rt.spawn(fut);
                    to_sender.send((n, tx)).expect("the sender thread is alive");
                    let got = rt.block_on(task).expect("the traced task panicked");
                    assert_eq!(
                        got,
                        Ok(n),
                        "round {n}: the traced receiver gets what was sent"
                    );
                    assert!(
                        log.is_ready(),
                        "round {n}: after Ready the log must say is_ready()"
                    );
                    finished += 1;
                }
                drop(to_sender);
                sender.join().expect("the sender thread panicked");
                finished
            },
        );
        assert_eq!(finished, ROUNDS, "every round finished");
    }

    #[test]
    fn a_channel_is_woken_by_the_sending_thread() {
        let log = within(
            Duration::from_secs(3),
            "the traced task never finished: is the wake passed on to Tokio's waker?",
            || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .thread_name("gear-worker")
                    .enable_all()
                    .build()
                    .expect("building a test runtime");
                let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
                // The receiver is counted from inside `traced`: the sender waits until it has
                // returned Pending, so it never sends in the middle of a poll.
                let (counted, parked) = count_polls(rx);
                let (fut, log) = traced(counted);
                let task = rt.spawn(fut);
                let sender = std::thread::Builder::new()
                    .name("signal-thread".into())
                    .spawn(move || {
                        wait_for_pendings(&parked, 1, Duration::from_secs(2));
                        tx.send(9).is_ok()
                    })
                    .expect("spawning the sender thread");
                let got = rt.block_on(task).expect("the traced task panicked");
                let sent = sender.join().expect("the sender thread panicked");
                assert!(sent, "the receiver was dropped before the send");
                assert_eq!(got, Ok(9), "the traced receiver gets what was sent");
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
            "the sender's thread calls wake: record the wake in your waker, when it is called"
        );
        assert_eq!(
            log.poll_threads(),
            ["gear-worker", "gear-worker"],
            "polls happen on the worker"
        );
        assert!(log.is_ready(), "after Ready the log must say is_ready()");
    }
}
