//! Hidden tests for lesson 03: the same behaviour as tests/check.rs, seen from other angles.

use shared::time_limit::within;

mod e01_hand_built_runtimes {
    use super::within;
    use lesson_03::e01_hand_built_runtimes::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;
    use tokio::runtime::RuntimeFlavor;

    const LIMIT: Duration = Duration::from_secs(3);

    #[test]
    fn current_thread_tasks_wait_for_block_on() {
        within(LIMIT, "the spawned task never ran", || {
            let rt = current_thread_runtime();
            let ran = Arc::new(AtomicBool::new(false));
            let flag = ran.clone();
            let task = rt.spawn(async move { flag.store(true, Ordering::SeqCst) });
            std::thread::sleep(Duration::from_millis(20));
            assert!(
                !ran.load(Ordering::SeqCst),
                "a current_thread runtime has no worker thread: nothing runs until block_on"
            );
            rt.block_on(task).expect("the task failed");
            assert!(
                ran.load(Ordering::SeqCst),
                "once block_on runs, the spawned task gets its turn"
            );
        });
    }

    #[test]
    fn every_runtime_has_the_io_driver() {
        within(LIMIT, "binding a loopback socket hung", || {
            let bind = || async {
                tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind 127.0.0.1:0")
                    .local_addr()
                    .expect("local_addr")
                    .port()
            };
            assert!(
                current_thread_runtime().block_on(bind()) > 0,
                "current_thread_runtime() must have the I/O driver: enable_all"
            );
            assert!(
                multi_thread_runtime(1, "io-check").block_on(bind()) > 0,
                "multi_thread_runtime() must have the I/O driver: enable_all"
            );
            assert!(
                run_like_tokio_main(bind()) > 0,
                "#[tokio::main] enables every driver, I/O included"
            );
            assert!(
                run_like_paused_tokio_test(bind()) > 0,
                "#[tokio::test] enables every driver, I/O included"
            );
        });
    }

    #[test]
    fn three_workers_share_the_work() {
        within(LIMIT, "the three-worker runtime did not finish", || {
            let rt = multi_thread_runtime(3, "hidden-pool");
            assert_eq!(
                rt.metrics().num_workers(),
                3,
                "asked for 3 worker threads: pass `workers` to Builder::worker_threads"
            );
            let names = rt.block_on(async {
                let mut handles = Vec::new();
                for _ in 0..6 {
                    handles.push(tokio::spawn(async {
                        tokio::time::sleep(Duration::from_millis(2)).await;
                        std::thread::current().name().map(str::to_string)
                    }));
                }
                let mut names = Vec::new();
                for h in handles {
                    names.push(h.await.expect("task failed"));
                }
                names
            });
            assert!(
                names.iter().all(|n| n.as_deref() == Some("hidden-pool")),
                "spawned tasks run on the named workers, saw {names:?}"
            );
        });
    }

    #[test]
    fn paused_clock_orders_timers_by_virtual_deadline() {
        let (order, flavor) = within(LIMIT, "virtual timers did not fire", || {
            run_like_paused_tokio_test(async {
                let log = Arc::new(std::sync::Mutex::new(Vec::new()));
                let mut tasks = Vec::new();
                for (label, secs) in [("slow", 90u64), ("fast", 5), ("mid", 40)] {
                    let log = log.clone();
                    tasks.push(tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_secs(secs)).await;
                        log.lock().expect("the log lock").push(label);
                    }));
                }
                for t in tasks {
                    t.await.expect("task failed");
                }
                let order = log.lock().expect("the log lock").clone();
                (order, tokio::runtime::Handle::current().runtime_flavor())
            })
        });
        assert_eq!(
            order,
            ["fast", "mid", "slow"],
            "on a paused clock, timers fire in the order of their virtual deadlines"
        );
        assert_eq!(
            flavor,
            RuntimeFlavor::CurrentThread,
            "#[tokio::test] defaults to current_thread"
        );
    }

    #[test]
    fn tokio_main_equivalent_spawns_onto_worker_threads() {
        let (caller, task_thread) = within(LIMIT, "run_like_tokio_main never returned", || {
            let caller = std::thread::current().id();
            let task_thread = run_like_tokio_main(async {
                tokio::spawn(async { std::thread::current().id() })
                    .await
                    .expect("task failed")
            });
            (caller, task_thread)
        });
        assert_ne!(
            caller, task_thread,
            "#[tokio::main] runs spawned tasks on its worker pool, not on the thread in block_on"
        );
    }
}

mod e02_sync_bridge {
    use super::within;
    use lesson_03::e02_sync_bridge::*;
    use std::time::Duration;
    use tokio::runtime::Builder;

    const LIMIT: Duration = Duration::from_secs(3);

    #[test]
    fn in_runtime_on_workers_blocking_pool_and_after_shutdown() {
        within(LIMIT, "the runtime checks never finished", || {
            let rt = Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("building a test runtime");
            let (on_worker, on_pool) = rt.block_on(async {
                let worker = tokio::spawn(async { in_runtime() })
                    .await
                    .expect("in_runtime() must not panic on a worker");
                let pool = tokio::task::spawn_blocking(in_runtime)
                    .await
                    .expect("in_runtime() must not panic on the blocking pool");
                (worker, pool)
            });
            assert!(on_worker, "a spawned task runs inside the runtime");
            assert!(on_pool, "spawn_blocking threads belong to the runtime too");
            drop(rt);
            assert!(
                !in_runtime(),
                "after the runtime is gone, we are outside again"
            );
        });
    }

    #[test]
    fn total_blocking_handles_empty_and_unknown_parts() {
        within(LIMIT, "total_blocking never returned", || {
            let rt = Builder::new_current_thread()
                .enable_all()
                .start_paused(true)
                .build()
                .expect("building a test runtime");
            assert_eq!(total_blocking(&rt, &[]), 0, "no parts cost nothing");
            assert_eq!(
                total_blocking(&rt, &["flywheel", "gear"]),
                8 + 12,
                "the total of every part's price (an unknown part costs its name's length)"
            );
        });
    }

    #[test]
    fn total_via_handle_from_several_threads_at_once() {
        let rt = Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("building a test runtime");
        let h1 = rt.handle().clone();
        let h2 = rt.handle().clone();
        let totals = within(LIMIT, "total_via_handle never returned", move || {
            let a = std::thread::spawn(move || total_via_handle(&h1, &["spring"; 4]));
            let b = std::thread::spawn(move || total_via_handle(&h2, &["axle", "cam"]));
            (
                a.join().expect("total_via_handle panicked"),
                b.join().expect("total_via_handle panicked"),
            )
        });
        assert_eq!(
            totals,
            (12, 28),
            "each thread gets the total of its own parts"
        );
    }

    #[test]
    fn block_on_checked_nested_inside_itself() {
        let result = within(LIMIT, "block_on_checked never returned", || {
            block_on_checked(async {
                let price = lookup_price("axle").await;
                (price, block_on_checked(async { 1 }))
            })
        });
        assert_eq!(
            result,
            Ok((25, Err(NestedRuntime))),
            "the outer call runs the future; the inner call sees it is inside a runtime"
        );
    }

    #[test]
    fn block_on_checked_refuses_on_a_worker_thread() {
        let rt = Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("building a test runtime");
        let result = within(LIMIT, "the worker task never finished", move || {
            rt.block_on(async { tokio::spawn(async { block_on_checked(async { 5 }) }).await })
        });
        assert_eq!(
            result.expect("the task panicked"),
            Err(NestedRuntime),
            "inside a runtime (a worker thread), block_on_checked returns Err(NestedRuntime)"
        );
    }
}

mod e03_join_outcomes {
    use lesson_03::e03_join_outcomes::*;
    use shared::testing::{finishes_within, quietly};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;
    use tokio::time::{Instant, sleep};

    const LIMIT: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn formatted_and_non_string_panics() {
        let code = 7;
        let formatted = tokio::spawn(quietly(async move {
            if code > 0 {
                panic!("tooth {code} broke");
            }
        }));
        let odd = tokio::spawn(quietly(async {
            std::panic::panic_any(17_u32);
        }));
        let a = finishes_within("settle", LIMIT, settle(formatted)).await;
        let b = finishes_within("settle", LIMIT, settle(odd)).await;
        assert_eq!(
            a,
            Outcome::Panicked("tooth 7 broke".to_string()),
            "a panic with a formatted message is Panicked(that message)"
        );
        assert_eq!(
            b,
            Outcome::Panicked(NON_STRING_PANIC.to_string()),
            "a panic with a payload that is not text is Panicked(NON_STRING_PANIC)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn abort_after_finishing_keeps_the_result() {
        let handle = tokio::spawn(async { 5 });
        while !handle.is_finished() {
            tokio::task::yield_now().await;
        }
        handle.abort(); // too late: the task is done
        let outcome = finishes_within("settle", LIMIT, settle(handle)).await;
        assert_eq!(
            outcome,
            Outcome::Finished(5),
            "abort() after the task finished changes nothing: it is Finished(value)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn budget_covers_a_panicking_task() {
        let start = Instant::now();
        let outcome: Outcome<()> = finishes_within(
            "run_with_budget",
            LIMIT,
            run_with_budget(
                quietly(async {
                    sleep(Duration::from_millis(4)).await;
                    panic!("overheated");
                }),
                Duration::from_secs(1),
            ),
        )
        .await;
        assert_eq!(
            outcome,
            Outcome::Panicked("overheated".to_string()),
            "a task that panics within its budget is Panicked(its message)"
        );
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(4),
            "run_with_budget returns as soon as the task ends, even by panicking"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn aborted_task_stops_ticking() {
        let ticks = Arc::new(AtomicU32::new(0));
        let counter = ticks.clone();
        let outcome = finishes_within(
            "run_with_budget",
            LIMIT,
            run_with_budget(
                async move {
                    loop {
                        sleep(Duration::from_millis(10)).await;
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                },
                Duration::from_millis(35),
            ),
        )
        .await;
        assert_eq!(
            outcome,
            Outcome::<()>::Cancelled,
            "a task still running when its budget ends is Cancelled"
        );
        let at_abort = ticks.load(Ordering::SeqCst);
        assert_eq!(
            at_abort, 3,
            "ticks at 10, 20 and 30 ms fit in a 35 ms budget"
        );
        sleep(Duration::from_millis(200)).await;
        assert_eq!(
            ticks.load(Ordering::SeqCst),
            at_abort,
            "the task kept ticking after its budget"
        );
    }
}

mod e04_local_scoreboard {
    use super::within;
    use lesson_03::e04_local_scoreboard::*;
    use shared::testing::finishes_within;
    use std::time::Duration;
    use tokio::time::Instant;

    const LIMIT: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn game_length_is_the_longest_player() {
        let players: Vec<Player> = (1..=6u32)
            .map(|n| (format!("p{n}"), vec![n; n as usize]))
            .collect();
        let start = Instant::now();
        let result = finishes_within("play", LIMIT, play(players)).await;
        assert_eq!(
            start.elapsed(),
            ROUND * 6,
            "players play at the same time: the game takes as long as the longest player (6 rounds)"
        );
        for n in 1..=6u32 {
            assert_eq!(
                result.get(&format!("p{n}")).copied(),
                Some(n * n),
                "each player's total is the sum of their rounds"
            );
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn works_inside_a_multi_thread_runtime_too() {
        // run_until drives the local tasks on the thread that awaits it, whatever the flavor.
        let players = vec![("solo".to_string(), vec![7, 8])];
        let result = finishes_within("play", Duration::from_secs(3), play(players)).await;
        assert_eq!(
            result.get("solo"),
            Some(&15),
            "on a multi_thread runtime too, every round is counted"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn no_players_no_scores() {
        let result = finishes_within("play", LIMIT, play(Vec::new())).await;
        assert!(result.is_empty(), "no players, an empty board");
    }

    #[test]
    fn play_blocking_from_a_fresh_thread_with_idle_players() {
        let result = within(
            Duration::from_secs(3),
            "play_blocking never returned",
            || {
                play_blocking(vec![
                    ("idle".to_string(), Vec::new()),
                    ("busy".to_string(), vec![1, 2, 3]),
                ])
            },
        );
        assert_eq!(
            result.len(),
            2,
            "every player is on the board, idle ones included"
        );
        assert_eq!(
            result.get("idle").copied(),
            Some(0),
            "a player without rounds is on the board with 0"
        );
        assert_eq!(
            result.get("busy").copied(),
            Some(6),
            "a busy player's total is the sum of their rounds"
        );
    }
}

mod e05_fair_cruncher {
    use lesson_03::e05_fair_cruncher::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    fn expected(rounds: u64) -> u64 {
        (0..rounds).fold(SEED, |state, _| mix(state))
    }

    #[tokio::test(start_paused = true)]
    async fn zero_rounds_is_the_seed() {
        let progress = Arc::new(AtomicU64::new(0));
        assert_eq!(
            crunch(0, progress.clone()).await,
            SEED,
            "no rounds: crunch returns SEED unchanged"
        );
        assert_eq!(
            progress.load(Ordering::Relaxed),
            0,
            "no rounds: progress stays at 0"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn two_crunchers_share_the_thread() {
        // When the first cruncher finishes, the second must already be well under way: with
        // yielding they take turns; without it the first runs to the end before the second starts.
        let rounds = 8_000;
        let (pa, pb) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let other = pb.clone();
        let first = tokio::spawn(async move {
            let state = crunch(rounds, pa).await;
            (state, other.load(Ordering::Relaxed))
        });
        let second = tokio::spawn(crunch(rounds, pb));
        let (state_a, b_when_a_done) = first.await.expect("first cruncher panicked");
        let state_b = second.await.expect("second cruncher panicked");
        assert_eq!(
            state_a,
            expected(rounds),
            "crunch returns SEED mixed `rounds` times"
        );
        assert_eq!(
            state_b,
            expected(rounds),
            "crunch returns SEED mixed `rounds` times"
        );
        assert!(
            b_when_a_done >= rounds / 2,
            "the second cruncher had done only {b_when_a_done} of {rounds} rounds when the first finished"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_late_task_gets_its_first_turn_mid_crunch() {
        // A task spawned *after* the cruncher must not wait for the whole crunch to get polled.
        let progress = Arc::new(AtomicU64::new(0));
        let watched = progress.clone();
        let rounds = 20_000;
        let cruncher = tokio::spawn(crunch(rounds, progress));
        let late = tokio::spawn(async move { watched.load(Ordering::Relaxed) });
        let result = cruncher.await.expect("crunch panicked");
        let seen_at_first_poll = late.await.expect("late task panicked");
        assert_eq!(
            result,
            expected(rounds),
            "crunch returns SEED mixed `rounds` times"
        );
        assert!(
            seen_at_first_poll <= 4 * MAX_ROUNDS_WITHOUT_YIELD,
            "the late task was first polled after {seen_at_first_poll} rounds: crunch hogged the thread"
        );
    }
}

mod e06_traced_task {
    use super::within;
    use lesson_03::e06_traced_task::*;
    use shared::Harness;
    use shared::Probe;
    use shared::test_futures::{ReadyAfter, WakeFromThread};
    use shared::testing::{count_polls, finishes, finishes_within, wait_for_pendings};
    use std::time::Duration;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn a_timer_is_woken_on_the_runtime_thread() {
        let here = current_thread_name();
        let start = Instant::now();
        let (fut, log) = traced(tokio::time::sleep(Duration::from_millis(10)));
        finishes(
            "the traced sleep (if the timer fired but the task was never polled again: is \
             each wake passed on?)",
            tokio::spawn(fut),
        )
        .await
        .expect("the traced task panicked");
        assert_eq!(
            start.elapsed(),
            Duration::from_millis(10),
            "the traced sleep ends exactly when the sleep does"
        );
        assert_eq!(
            log.polls(),
            2,
            "a sleep: Pending, then Ready after the timer's wake"
        );
        assert_eq!(
            log.wake_threads(),
            [here],
            "the timer driver runs on the runtime's thread"
        );
        assert!(log.is_ready(), "after Ready the log must say is_ready()");
    }

    #[tokio::test(start_paused = true)]
    async fn every_wake_reaches_the_outer_waker() {
        // The harness is the executor here: it counts the wakes that reach *its* waker.
        let (probe, inner) = Probe::new("inner", ReadyAfter::new(3, 'x'));
        let (fut, log) = traced(probe);
        let run = Harness::new().named("Traced<ReadyAfter>").run(fut).await;
        assert_eq!(
            run.output, 'x',
            "Traced returns what the inner future returned"
        );
        assert_eq!(
            (run.polls, log.polls(), inner.polls()),
            (4, 4, 4),
            "every poll of Traced polls the inner future once, and is recorded once"
        );
        assert_eq!(log.wake_threads().len(), 3, "three self-wakes recorded");
        assert_eq!(
            run.wakes, 3,
            "three wakes forwarded to the executor's waker"
        );
        assert!(log.is_ready(), "after Ready the log must say is_ready()");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn a_helper_thread_wake_is_recorded_by_name() {
        let (fut, log) = traced(WakeFromThread::new(Duration::from_millis(5), 11u8));
        let out = finishes_within(
            "the traced task (if the helper thread woke it but it was never polled again: is \
             each wake passed on?)",
            Duration::from_secs(2),
            tokio::spawn(fut),
        )
        .await
        .expect("the traced task panicked");
        assert_eq!(out, 11, "Traced returns what the inner future returned");
        assert_eq!(
            log.wake_threads(),
            ["wake-from-thread"],
            "the helper thread calls wake: record the wake in your waker, when it is called"
        );
        assert_eq!(
            log.polls(),
            2,
            "Pending, then Ready after the helper thread's wake"
        );
    }

    #[test]
    fn three_messages_three_wakes_from_the_pinger() {
        let log = within(
            Duration::from_secs(3),
            "the traced task never finished: a message arrived, but was the wake passed on?",
            || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("hidden-worker")
                    .enable_all()
                    .build()
                    .expect("building a test runtime");
                let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u8>();
                let (fut, log) = traced(async move {
                    let mut sum = 0;
                    for _ in 0..3 {
                        sum += rx.recv().await.expect("channel closed early");
                    }
                    sum
                });
                // Counted from inside `traced`: the pinger sends only once the task has returned
                // Pending, never in the middle of a poll.
                let (counted, parked) = count_polls(fut);
                let task = rt.spawn(counted);
                let pinger = std::thread::Builder::new()
                    .name("pinger".into())
                    .spawn(move || {
                        for n in 1..=3u8 {
                            wait_for_pendings(&parked, u64::from(n), Duration::from_secs(2));
                            if tx.send(n).is_err() {
                                return;
                            }
                        }
                    })
                    .expect("spawning the pinger");
                let sum = rt.block_on(task).expect("the traced task panicked");
                pinger.join().expect("the pinger panicked");
                assert_eq!(sum, 6, "the traced task gets every message sent");
                log
            },
        );
        assert_eq!(
            log.wake_threads(),
            ["pinger"; 3],
            "every wake comes from the pinger thread, one per message"
        );
        assert_eq!(log.polls(), 4, "three messages: three Pendings, then Ready");
        assert!(
            log.poll_threads().iter().all(|t| t == "hidden-worker"),
            "polls happen on the runtime's workers"
        );
    }
}
