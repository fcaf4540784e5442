//! Hidden grading tests for lesson 01: the same behaviour as `tests/check.rs`, checked with other
//! inputs and from other angles (other executors, the poll harness from `shared`, reversed await
//! orders, edge cases). Never shipped in the student edition.
//!
//! Anything that could hang on wrong code is awaited through `shared::testing::finishes`, which
//! watches tokio's clock and the real one (see `tests/check.rs`).

mod e01_lazy_futures {
    use lesson_01::e01_lazy_futures::*;
    use shared::testing::finishes as within;
    use shared::{Harness, Probe};

    #[tokio::test(start_paused = true)]
    async fn the_await_order_decides_the_journal_order() {
        let journal = Journal::new();
        let first = checkout(&journal, &[100]);
        let second = checkout(&journal, &[5, 5]);
        assert!(
            journal.entries().is_empty(),
            "two checkouts built, none awaited"
        );
        assert_eq!(
            within("second checkout", second).await,
            10,
            "awaiting the second checkout first runs it first; its total is the sum of its prices"
        );
        assert_eq!(
            within("first checkout", first).await,
            100,
            "the first checkout, awaited later, still runs in full; its total is the sum of its prices"
        );
        assert_eq!(
            journal.entries(),
            [
                "reserved 2 items",
                "charged 10",
                "receipt 10",
                "reserved 1 items",
                "charged 100",
                "receipt 100",
            ],
            "futures run in the order they are awaited, not the order they were built: each checkout's three steps, in order"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_empty_cart_still_goes_through_every_step() {
        let journal = Journal::new();
        assert_eq!(
            within("checkout", checkout(&journal, &[])).await,
            0,
            "an empty cart totals 0"
        );
        assert_eq!(
            journal.entries(),
            ["reserved 0 items", "charged 0", "receipt 0"],
            "an empty cart still goes through reserve, charge and receipt"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_probe_sees_no_poll_before_the_await() {
        let journal = Journal::new();
        let (probe, handle) = Probe::new("checkout", checkout(&journal, &[9, 1]));
        tokio::task::yield_now().await;
        assert_eq!(handle.polls(), 0, "nobody awaited the checkout yet");
        assert!(
            journal.entries().is_empty(),
            "a future wrapped but not yet awaited must not have written anything"
        );
        assert_eq!(
            within("checkout", probe).await,
            10,
            "the checkout's total is the sum of its prices"
        );
        assert!(
            handle.is_ready(),
            "once awaited to the end, the checkout future has returned Ready"
        );
        assert_eq!(
            journal.entries(),
            ["reserved 2 items", "charged 10", "receipt 10"],
            "every step runs once awaited, each finished before the next starts"
        );
    }

    #[test]
    fn the_same_future_runs_on_another_executor() {
        // A future is just a value: the shared harness's own executor can drive it, no tokio.
        let journal = Journal::new();
        let run = Harness::new()
            .named("checkout")
            .block_on(checkout(&journal, &[3, 4, 5]));
        assert_eq!(
            run.output, 12,
            "the checkout's total is the sum of its prices"
        );
        assert!(
            run.polls >= 2,
            "reserve waits once, so the checkout must return Pending at least once"
        );
        assert_eq!(
            journal.entries(),
            ["reserved 3 items", "charged 12", "receipt 12"],
            "driven by another executor, the checkout still runs every step in order"
        );
    }
}

mod e02_concurrent_awaits {
    use lesson_01::e02_concurrent_awaits::*;
    use shared::testing::finishes as within;
    use std::time::Duration;
    use tokio::time::Instant;

    fn want(user: u32) -> Dashboard {
        Dashboard {
            profile: format!("user-{user}"),
            orders: (1..=user % 4).map(|n| user * 100 + n).collect(),
            tips: vec![format!("tip {} for user-{user}", user % 7)],
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_slowest_service_sets_the_pace() {
        for (backend, slowest) in [
            (Backend::millis(10, 20, 900), 900),
            (Backend::millis(700, 1, 1), 700),
            (Backend::millis(250, 250, 250), 250),
        ] {
            let start = Instant::now();
            let page = within("load_dashboard", load_dashboard(&backend, 11)).await;
            let took = start.elapsed();
            assert_eq!(
                page,
                want(11),
                "the dashboard holds the profile, orders and tips of the user asked for"
            );
            assert!(
                took >= Duration::from_millis(slowest)
                    && took < Duration::from_millis(slowest + 10),
                "{backend:?}: took {took:?} of virtual time; concurrently it takes {slowest} ms"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn fifty_users_take_as_long_as_one() {
        let backend = Backend::millis(30, 60, 45);
        let users: Vec<u32> = (100..150).rev().collect();
        let start = Instant::now();
        let pages = within("load_dashboards", load_dashboards(&backend, &users)).await;
        let took = start.elapsed();
        assert_eq!(
            pages,
            users.iter().map(|&u| want(u)).collect::<Vec<_>>(),
            "one dashboard per user, in the order of `users`"
        );
        assert!(
            took < Duration::from_millis(70),
            "took {took:?} for 50 users; one takes 60 ms"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn no_users_no_waiting() {
        let backend = Backend::millis(500, 500, 500);
        let start = Instant::now();
        let pages = within("load_dashboards", load_dashboards(&backend, &[])).await;
        assert!(pages.is_empty(), "no users, no dashboards");
        assert!(
            start.elapsed() < Duration::from_millis(1),
            "nothing to load, nothing to wait for"
        );
    }
}

mod e03_async_fn_desugared {
    use lesson_01::e03_async_fn_desugared::*;
    use shared::testing::finishes as within;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(start_paused = true)]
    async fn ticks_count_in_await_order() {
        let counter = AtomicUsize::new(10);
        let a = tick(&counter);
        let b = tick(&counter);
        let c = tick(&counter);
        assert_eq!(
            counter.load(Ordering::SeqCst),
            10,
            "three ticks built, none run"
        );
        assert_eq!(
            within("tick c", c).await,
            11,
            "tick c, awaited first, is the first to add one"
        );
        assert_eq!(
            within("tick a", a).await,
            12,
            "tick a, awaited second, adds the second one"
        );
        drop(b);
        assert_eq!(
            counter.load(Ordering::SeqCst),
            12,
            "a dropped tick never runs"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_key_added_after_the_call_is_found() {
        let store = Store::new();
        let pending = lookup(&store, "late");
        store.insert("late", "but here");
        assert_eq!(
            within("lookup", pending).await.as_deref(),
            Some("but here"),
            "the lookup reads the store when awaited, so it sees a key inserted after the call"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_lookup_never_reads() {
        let store = Store::new();
        store.insert("k", "v");
        let lookups: Vec<_> = (0..5).map(|_| lookup(&store, "k")).collect();
        drop(lookups);
        assert_eq!(
            store.reads(),
            0,
            "a lookup future that is dropped unawaited never reads the store"
        );
    }

    #[test]
    fn a_lookup_can_move_to_another_thread() {
        let store = Store::new();
        store.insert("city", "Lisbon");
        let future = lookup(&store, &String::from("city"));
        let found = std::thread::spawn(move || shared::block_on(future))
            .join()
            .expect("the lookup panicked on the other thread");
        assert_eq!(
            found.as_deref(),
            Some("Lisbon"),
            "the lookup, moved to another thread and run there, finds the value"
        );
        assert_eq!(
            store.reads(),
            1,
            "one lookup reads the store exactly once, when it runs"
        );
    }
}

mod e04_spawn_tasks {
    use lesson_01::e04_spawn_tasks::*;
    use shared::testing::finishes as within;
    use std::time::Duration;
    use tokio::time::{Instant, sleep};

    #[tokio::test(start_paused = true)]
    async fn the_task_keeps_its_own_schedule() {
        let outbox = Outbox::new();
        let handle = start_upload(Upload::new("video.mp4", 9000, 120), &outbox);
        sleep(Duration::from_millis(119)).await;
        assert!(
            outbox.sent().is_empty(),
            "the upload takes 120 ms, it cannot be done at 119"
        );
        assert!(
            !handle.is_finished(),
            "the upload takes 120 ms; its task cannot be finished at 119 ms"
        );
        sleep(Duration::from_millis(2)).await;
        assert_eq!(
            outbox.sent(),
            ["video.mp4"],
            "done at 120 ms without anyone awaiting it"
        );
        assert_eq!(
            within("handle", handle).await.expect("upload panicked"),
            9000,
            "awaiting the handle gives the upload's bytes"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn uploads_finish_in_latency_order() {
        let outbox = Outbox::new();
        let files = vec![
            Upload::new("slow", 1, 60),
            Upload::new("fast", 2, 10),
            Upload::new("medium", 4, 30),
            Upload::new("quick", 8, 20),
            Upload::new("snail", 16, 50),
            Upload::new("middling", 32, 40),
        ];
        let start = Instant::now();
        let total = within("upload_all", upload_all(files, &outbox)).await;
        assert_eq!(
            total, 63,
            "upload_all returns the total bytes of every file"
        );
        assert_eq!(
            outbox.sent(),
            ["fast", "quick", "medium", "middling", "snail", "slow"],
            "started together, they finish in order of latency"
        );
        assert!(
            start.elapsed() < Duration::from_millis(65),
            "six uploads started together take as long as the slowest (60 ms), not the sum"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_to_upload() {
        let outbox = Outbox::new();
        assert_eq!(
            within("upload_all", upload_all(Vec::new(), &outbox)).await,
            0,
            "nothing to upload: the total is 0"
        );
        assert!(
            outbox.sent().is_empty(),
            "nothing to upload: nothing is recorded"
        );
    }
}

mod e05_blocking {
    use lesson_01::e05_blocking::*;
    use shared::Harness;
    use shared::testing::finishes as within;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn back_to_back_cool_downs_keep_a_ticker_going() {
        // This time the other task is a tokio interval, and the waits are short and repeated.
        let ticks = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&ticks);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_millis(3));
            loop {
                every.tick().await;
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        tokio::task::yield_now().await;
        let before = ticks.load(Ordering::SeqCst);
        for _ in 0..3 {
            within("cool_down", cool_down(Duration::from_millis(10))).await;
        }
        let beats = ticks.load(Ordering::SeqCst) - before;
        assert!(
            beats >= 6,
            "only {beats} ticks in 30 ms of cool-downs (one every 3 ms)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn cool_down_never_holds_a_poll() {
        let run = Harness::new()
            .named("cool_down")
            .blocking_threshold(Duration::from_millis(20))
            .try_run(cool_down(Duration::from_millis(60)))
            .await;
        if let Err(failure) = run {
            panic!("{failure}");
        }
    }

    #[tokio::test]
    async fn digest_never_holds_a_poll() {
        let data: Vec<u8> = (0..=255).collect();
        let run = Harness::new()
            .named("digest")
            .blocking_threshold(Duration::from_millis(20))
            .try_run(digest(data.clone(), Duration::from_millis(45)))
            .await;
        match run {
            Ok(run) => assert_eq!(
                run.output,
                legacy_digest(&data, Duration::ZERO),
                "digest returns what legacy_digest computes for the same data"
            ),
            Err(failure) => panic!("digest broke a rule:\n{failure}"),
        }
    }

    #[tokio::test]
    async fn two_digests_and_a_heartbeat() {
        // A heartbeat that beats whenever it gets a turn (yielding in between), so a busy machine
        // cannot starve it into a false failure: only a digest that holds the thread can.
        let ticks = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (counter, stopped) = (Arc::clone(&ticks), Arc::clone(&stop));
        tokio::spawn(async move {
            for _ in 0..50_000_000u64 {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
            }
        });
        tokio::task::yield_now().await;
        let before = ticks.load(Ordering::SeqCst);
        let (a, b) = within("two digests", async {
            tokio::join!(
                digest(b"left".to_vec(), Duration::from_millis(30)),
                digest(b"right".to_vec(), Duration::from_millis(30))
            )
        })
        .await;
        let beats = ticks.load(Ordering::SeqCst) - before;
        stop.store(true, Ordering::SeqCst);
        assert_eq!(
            a,
            legacy_digest(b"left", Duration::ZERO),
            "digest returns what legacy_digest computes for the same data"
        );
        assert_eq!(
            b,
            legacy_digest(b"right", Duration::ZERO),
            "digest returns what legacy_digest computes for the same data"
        );
        assert_ne!(
            a, b,
            "two different inputs give two different digests: each digest hashes its own data"
        );
        assert!(
            beats >= 3,
            "the heartbeat got {beats} turns while two digests ran: a digest held the async thread"
        );
    }
}

mod e06_bounded_concurrency {
    use lesson_01::e06_bounded_concurrency::*;
    use shared::testing::finishes as within;
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;
    use tokio::time::Instant;

    #[derive(Default)]
    struct Gauge {
        now: AtomicUsize,
        max: AtomicUsize,
    }

    type Job = Pin<Box<dyn Future<Output = String> + Send>>;

    /// A job named `name` that takes `millis` ms of virtual time, counted by the gauge.
    fn job(gauge: &Arc<Gauge>) -> impl FnMut((u64, &'static str)) -> Job + use<> {
        let gauge = Arc::clone(gauge);
        move |(millis, name)| {
            let gauge = Arc::clone(&gauge);
            Box::pin(async move {
                let running = gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
                gauge.max.fetch_max(running, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(millis)).await;
                gauge.now.fetch_sub(1, Ordering::SeqCst);
                name.to_uppercase()
            })
        }
    }

    /// The best schedule: jobs start in input order, each in the slot that frees first.
    fn best_makespan(millis: &[u64], limit: usize) -> Duration {
        let mut slots = vec![0u64; limit];
        for &m in millis {
            let earliest = slots.iter_mut().min().expect("limit >= 1");
            *earliest += m;
        }
        Duration::from_millis(slots.into_iter().max().unwrap_or(0))
    }

    async fn check(millis: &[u64], limit: usize) {
        const NAMES: [&str; 8] = ["ant", "bee", "cat", "dog", "eel", "fox", "gnu", "hen"];
        let gauge = Arc::new(Gauge::default());
        let inputs: Vec<(u64, &'static str)> = millis
            .iter()
            .enumerate()
            .map(|(i, &m)| (m, NAMES[i % 8]))
            .collect();
        let want: Vec<String> = inputs.iter().map(|(_, n)| n.to_uppercase()).collect();
        let start = Instant::now();
        let out = within("run_bounded", run_bounded(inputs, limit, job(&gauge))).await;
        let took = start.elapsed();
        let peak = gauge.max.load(Ordering::SeqCst);
        assert_eq!(out, want, "outputs in input order");
        assert!(
            peak <= limit,
            "{peak} jobs ran at once; the limit is {limit}"
        );
        assert_eq!(
            peak,
            limit.min(millis.len()),
            "only {peak} jobs ever ran at once; {limit} slots were available"
        );
        let best = best_makespan(millis, limit);
        assert_eq!(
            took,
            best,
            "{} jobs, limit {limit}: took {took:?}, best schedule takes {best:?}",
            millis.len()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn limit_one_is_one_after_another() {
        check(&[5, 20, 10, 1], 1).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_limit_above_the_job_count_runs_everything_at_once() {
        check(&[40, 10, 25], 8).await;
    }

    #[tokio::test(start_paused = true)]
    async fn uneven_jobs_keep_every_slot_busy() {
        let millis: Vec<u64> = (0..20u64).map(|i| (i * 37 % 23) + 1).collect();
        check(&millis, 4).await;
        check(&[50, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5], 3).await;
    }

    #[tokio::test(start_paused = true)]
    async fn no_jobs() {
        check(&[], 2).await;
    }
}
