//! Visible tests for lesson 01. One module per exercise, named like the exercise id, so
//! `cargo xtask check` can report `e01_lazy_futures::...` per exercise.
//!
//! Most tests run on a paused tokio clock: sleeps cost no real time and `tokio::time::Instant`
//! measures *virtual* time exactly. Anything that could wait forever on wrong code is awaited
//! through `shared::testing::finishes`, which watches both clocks: a future that waits for
//! something nobody will do fails at once (the paused clock jumps to the limit), and one that keeps
//! the runtime busy without finishing (a loop around `yield_now`) fails after a few real seconds.

mod e01_lazy_futures {
    use lesson_01::e01_lazy_futures::*;
    use shared::testing::finishes as within;

    /// Asserts the journal holds exactly one checkout's three lines, in order, and says which
    /// promise is broken when it does not.
    #[track_caller]
    fn assert_one_checkout(journal: &Journal, items: usize, total: u32) {
        let want = [
            format!("reserved {items} items"),
            format!("charged {total}"),
            format!("receipt {total}"),
        ];
        let got = journal.entries();
        if got == want {
            return;
        }
        let mut sorted = got.clone();
        sorted.sort();
        let mut want_sorted = want.to_vec();
        want_sorted.sort();
        if sorted == want_sorted {
            panic!(
                "the steps ran out of order: {got:?}, expected {want:?}. Each step must finish \
                 before the next one starts: await them one after another (a joined or spawned \
                 step runs while the others do)"
            );
        }
        let missing: Vec<&String> = want.iter().filter(|line| !got.contains(line)).collect();
        if !missing.is_empty() {
            panic!(
                "{missing:?} never appeared in the journal {got:?}: a future runs only when it is \
                 awaited; building it (`let _ = step(..)`) and dropping it runs nothing"
            );
        }
        panic!("the journal should be exactly {want:?}, got {got:?}: one line per step, once each");
    }

    #[tokio::test(start_paused = true)]
    async fn steps_happen_in_order() {
        let journal = Journal::new();
        let total = within("checkout", checkout(&journal, &[250, 100, 250])).await;
        assert_eq!(total, 600, "the total is the sum of the prices");
        assert_one_checkout(&journal, 3, 600);
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_happens_until_awaited() {
        let journal = Journal::new();
        let pending_checkout = checkout(&journal, &[40]);
        assert!(
            journal.entries().is_empty(),
            "calling an async fn only builds a future; nothing may be written yet"
        );
        let total = within("checkout", pending_checkout).await;
        assert_eq!(total, 40, "the total is the sum of the prices");
        assert_one_checkout(&journal, 1, 40);
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_checkout_never_runs() {
        let journal = Journal::new();
        drop(checkout(&journal, &[1, 2, 3]));
        tokio::task::yield_now().await;
        assert!(
            journal.entries().is_empty(),
            "a future that is never polled never runs, even partly"
        );
        // And the function still works afterwards.
        assert_eq!(
            within("checkout", checkout(&journal, &[7])).await,
            7,
            "the total is the sum of the prices"
        );
        assert_one_checkout(&journal, 1, 7);
    }
}

mod e02_concurrent_awaits {
    use lesson_01::e02_concurrent_awaits::*;
    use shared::testing::finishes as within;
    use std::time::Duration;
    use tokio::time::Instant;

    async fn expected(user: u32) -> Dashboard {
        let instant = Backend::millis(0, 0, 0);
        Dashboard {
            profile: fetch_profile(&instant, user).await,
            orders: fetch_orders(&instant, user).await,
            tips: fetch_tips(&instant, user).await,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn dashboard_takes_the_longest_not_the_sum() {
        let backend = Backend::millis(300, 500, 200);
        let start = Instant::now();
        let page = within("load_dashboard", load_dashboard(&backend, 7)).await;
        let took = start.elapsed();
        assert_eq!(
            page,
            expected(7).await,
            "the dashboard holds the profile, orders and tips of the user asked for"
        );
        assert!(
            took < Duration::from_millis(510),
            "took {took:?} of virtual time: the three fetches ran one after another \
             (300 + 500 + 200 ms). Run them concurrently: the slowest is 500 ms"
        );
        assert!(
            took >= Duration::from_millis(500),
            "took {took:?}: the 500 ms orders fetch cannot finish sooner"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn many_dashboards_take_as_long_as_one() {
        let backend = Backend::millis(120, 80, 150);
        let users = [3, 1, 4, 15];
        let start = Instant::now();
        let pages = within("load_dashboards", load_dashboards(&backend, &users)).await;
        let took = start.elapsed();
        let mut want = Vec::new();
        for user in users {
            want.push(expected(user).await);
        }
        assert_eq!(
            pages, want,
            "one dashboard per user, in the order of `users`"
        );
        assert!(
            took < Duration::from_millis(160),
            "took {took:?} of virtual time for 4 users; all of them at once take 150 ms"
        );
    }
}

mod e03_async_fn_desugared {
    use lesson_01::e03_async_fn_desugared::*;
    use shared::testing::finishes as within;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(start_paused = true)]
    async fn tick_counts_only_when_awaited() {
        let counter = AtomicUsize::new(0);
        let first = tick(&counter);
        assert_eq!(
            counter.load(Ordering::SeqCst),
            0,
            "calling tick() must not touch the counter: the body belongs inside the async block"
        );
        assert_eq!(
            within("tick", first).await,
            1,
            "awaiting tick() adds one and returns the new value"
        );
        assert_eq!(
            within("tick", tick(&counter)).await,
            2,
            "awaiting tick() adds one and returns the new value"
        );
        assert_eq!(
            counter.load(Ordering::SeqCst),
            2,
            "two ticks awaited, two added"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn lookup_reads_when_awaited() {
        let store = Store::new();
        store.insert("colour", "red");
        let key = String::from("colour");
        let pending = lookup(&store, &key);
        drop(key); // the future owns its copy of the key
        assert_eq!(
            store.reads(),
            0,
            "lookup() must not read the store before it is awaited"
        );
        store.insert("colour", "teal");
        assert_eq!(
            within("lookup", pending).await.as_deref(),
            Some("teal"),
            "the lookup must see the store as it is when awaited"
        );
        assert_eq!(
            store.reads(),
            1,
            "one awaited lookup reads the store exactly once: read inside the async block, and \
             only there"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn lookup_can_be_spawned() {
        let store = Store::new();
        store.insert("answer", "42");
        let handle = {
            let temporary = store.clone();
            let future = lookup(&temporary, "answer");
            drop(temporary); // the caller's handle is gone; the future holds its own
            tokio::spawn(future)
        };
        let found = within("spawned lookup", handle)
            .await
            .expect("lookup task panicked");
        assert_eq!(
            found.as_deref(),
            Some("42"),
            "a spawned lookup finds the value through its own handle to the store"
        );
        assert_eq!(
            within("lookup", lookup(&store, "missing")).await,
            None,
            "a missing key is None"
        );
    }
}

mod e04_spawn_tasks {
    use lesson_01::e04_spawn_tasks::*;
    use shared::testing::finishes as within;
    use std::time::Duration;
    use tokio::time::{Instant, sleep};

    #[tokio::test(start_paused = true)]
    async fn a_spawned_upload_runs_without_being_awaited() {
        let outbox = Outbox::new();
        let handle = start_upload(Upload::new("cat.png", 2048, 30), &outbox);
        sleep(Duration::from_millis(31)).await; // busy with something else
        assert_eq!(
            outbox.sent(),
            ["cat.png"],
            "a spawned task runs on its own: it must be done after 30 ms, though nobody awaited it"
        );
        assert!(
            handle.is_finished(),
            "the upload is recorded, so its task must have finished: return the JoinHandle of \
             the spawned upload itself"
        );
        let bytes = within("the upload's JoinHandle", handle).await;
        assert_eq!(
            bytes.expect("the upload task panicked"),
            2048,
            "awaiting the handle gives the upload's bytes"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_handle_does_not_cancel() {
        let outbox = Outbox::new();
        drop(start_upload(Upload::new("notes.txt", 12, 5), &outbox));
        sleep(Duration::from_millis(6)).await;
        assert_eq!(
            outbox.sent(),
            ["notes.txt"],
            "dropping a JoinHandle detaches the task; it must still finish"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn upload_all_overlaps_the_uploads() {
        let outbox = Outbox::new();
        let files = vec![
            Upload::new("a.jpg", 100, 40),
            Upload::new("b.jpg", 20, 10),
            Upload::new("c.jpg", 3, 25),
        ];
        let start = Instant::now();
        let total = within("upload_all", upload_all(files, &outbox)).await;
        let took = start.elapsed();
        assert_eq!(total, 123, "the total of every file's bytes");
        let mut sent = outbox.sent();
        sent.sort();
        assert_eq!(
            sent,
            ["a.jpg", "b.jpg", "c.jpg"],
            "when upload_all returns, every upload must be done (took {took:?}): await every \
             JoinHandle before returning; the total comes from the uploads' results"
        );
        assert!(
            took < Duration::from_millis(45),
            "took {took:?} of virtual time: the uploads ran one after another (75 ms). \
             Start them all, then wait: the slowest is 40 ms"
        );
    }
}

mod e05_blocking {
    use lesson_01::e05_blocking::*;
    use shared::testing::count_polls;
    use shared::testing::{TIMER_TICK, finishes as within, finishes_within};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::time::Duration;

    /// Spawns a task on the current runtime that ticks every `every` and returns its tick counter.
    /// The test runtime has one thread, so the heartbeat shares it with the code under test.
    async fn heartbeat(every: Duration) -> Arc<AtomicU64> {
        let ticks = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&ticks);
        tokio::spawn(async move {
            loop {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(every).await;
            }
        });
        // Let it take its first beat before we start measuring.
        tokio::task::yield_now().await;
        ticks
    }

    #[tokio::test(start_paused = true)]
    async fn cool_down_lets_the_heartbeat_beat() {
        let period = Duration::from_millis(50);
        let ticks = heartbeat(Duration::from_millis(5)).await;
        let before = ticks.load(Ordering::SeqCst);
        let start = tokio::time::Instant::now();
        // A long virtual limit: a cool-down that counts on the wrong clock runs up virtual time
        // fast, and should be told so below, not that it never finished.
        finishes_within("cool_down", Duration::from_secs(3600), cool_down(period)).await;
        let took = start.elapsed();
        let beats = ticks.load(Ordering::SeqCst) - before;
        assert!(
            took >= period,
            "cool_down(50 ms) returned after {took:?} on tokio's clock, so it did not wait on \
             tokio's timer. A wait in real time is invisible to the runtime: std::thread::sleep \
             (which also holds the thread, so no other task runs meanwhile), or a sleep on the \
             blocking pool (while a blocking task runs, tokio's paused test clock stands still). \
             Wait with tokio::time::sleep(period).await"
        );
        assert!(
            took <= period + 2 * TIMER_TICK,
            "cool_down(50 ms) took {took:?} of tokio time: far longer than its period, so it \
             measured the wait on a clock other than tokio's (std::time::Instant?) while sleeping \
             on tokio's. Wait with one tokio::time::sleep(period).await"
        );
        assert!(
            beats >= 5,
            "the heartbeat (every 5 ms, same thread) beat {beats} times during a 50 ms cool-down: \
             the cool-down kept the thread busy instead of waiting on a timer"
        );
    }

    /// Spawns a task that beats (counts one) every time it gets a turn, yielding in between, until
    /// `stop` is set. Unlike a timer heartbeat it needs no particular amount of real time, only a
    /// turn on the thread: on a busy machine it still beats as soon as the thread is free.
    fn busy_heartbeat(stop: &Arc<AtomicBool>) -> Arc<AtomicU64> {
        let ticks = Arc::new(AtomicU64::new(0));
        let (counter, stop) = (Arc::clone(&ticks), Arc::clone(stop));
        tokio::spawn(async move {
            // Bounded, whatever the code under test does.
            for _ in 0..50_000_000u64 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
            }
        });
        ticks
    }

    #[tokio::test]
    async fn digest_lets_the_heartbeat_beat() {
        let stop = Arc::new(AtomicBool::new(false));
        let ticks = busy_heartbeat(&stop);
        tokio::task::yield_now().await; // let it take its first beat
        let data = b"the quick brown fox".to_vec();
        let before = ticks.load(Ordering::SeqCst);
        let (counted, polls) = count_polls(digest(data.clone(), Duration::from_millis(40)));
        let hash = within("digest", counted).await;
        let beats = ticks.load(Ordering::SeqCst) - before;
        stop.store(true, Ordering::SeqCst);
        assert_eq!(
            hash,
            legacy_digest(&data, Duration::ZERO),
            "digest returns what legacy_digest computes for the same data"
        );
        assert!(
            polls.pendings() > 0 && beats >= 3,
            "digest returned Pending {} times and the heartbeat (a task on the same thread) got \
             {beats} turns during a 40 ms digest: the blocking call ran on the async thread. Run \
             it with tokio::task::spawn_blocking and await the handle",
            polls.pendings()
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

    /// Counts jobs running right now and the most ever running at once.
    #[derive(Default)]
    struct Gauge {
        now: AtomicUsize,
        max: AtomicUsize,
    }

    type Job = Pin<Box<dyn Future<Output = u32> + Send>>;

    /// Jobs `(millis, value)` that take `millis` of virtual time, are counted by `gauge` while they
    /// run, and return `value * 10`.
    fn timed_job(gauge: &Arc<Gauge>) -> impl FnMut((u64, u32)) -> Job + use<> {
        let gauge = Arc::clone(gauge);
        move |(millis, value)| {
            let gauge = Arc::clone(&gauge);
            Box::pin(async move {
                let running = gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
                gauge.max.fetch_max(running, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(millis)).await;
                gauge.now.fetch_sub(1, Ordering::SeqCst);
                value * 10
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_limit() {
        let gauge = Arc::new(Gauge::default());
        let inputs: Vec<(u64, u32)> = (0..12).map(|i| (10, i)).collect();
        let start = Instant::now();
        let out = within("run_bounded", run_bounded(inputs, 3, timed_job(&gauge))).await;
        let took = start.elapsed();
        let peak = gauge.max.load(Ordering::SeqCst);
        assert!(
            peak <= 3,
            "{peak} jobs ran at once; the limit is 3: a job may only start while it holds a \
             permit, and keeps it until it is done"
        );
        assert_eq!(peak, 3, "only {peak} jobs ran at once; use all 3 slots");
        assert_eq!(
            out,
            (0..12).map(|i| i * 10).collect::<Vec<_>>(),
            "one output per input, in input order"
        );
        assert_eq!(
            took,
            Duration::from_millis(40),
            "12 jobs of 10 ms, 3 at a time, take 40 ms of virtual time; took {took:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_free_slot_is_refilled_at_once() {
        let gauge = Arc::new(Gauge::default());
        // One slow job first: while it runs, the other slot should work through the quick ones.
        let inputs = vec![(30, 1), (10, 2), (10, 3), (10, 4), (10, 5)];
        let start = Instant::now();
        let out = within("run_bounded", run_bounded(inputs, 2, timed_job(&gauge))).await;
        let took = start.elapsed();
        assert_eq!(out, [10, 20, 30, 40, 50], "outputs in input order");
        let peak = gauge.max.load(Ordering::SeqCst);
        assert!(
            peak <= 2,
            "{peak} jobs ran at once; the limit is 2: a job may only start while it holds a \
             permit, and keeps it until it is done"
        );
        assert_eq!(
            took,
            Duration::from_millis(40),
            "took {took:?}: with 2 slots, the 30 ms job runs in one while the other takes the \
             10 ms jobs back to back, and the last one ends at 40 ms. A slot sat idle"
        );
    }
}
