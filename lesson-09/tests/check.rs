//! Visible tests for lesson 09, one module per exercise (`cargo xtask check lesson-09`).
//!
//! Everything runs on tokio's paused clock (`#[tokio::test(start_paused = true)]`): time jumps to
//! the next timer whenever every task is idle, so "the error came at 10 ms, not 100 ms" is checked
//! exactly and costs microseconds. Futures are driven by `shared::Harness` (it names a broken poll
//! rule) under `shared::testing::finishes` (a hang becomes a sentence); children are wrapped in
//! `shared::Probe`, which counts their polls, sees them dropped and catches a poll after `Ready`.

use std::time::Duration;

use shared::testing::ms;

mod e01_try_join {
    use super::*;
    use lesson_09::e01_try_join::*;
    use shared::testing::{assert_about, finishes};
    use shared::{Harness, Probe, ProbeHandle};
    use std::future::{Future, poll_fn};
    use tokio::time::{Instant, sleep};

    /// A lookup that answers `result` after `after` of tokio time, wrapped in a probe.
    fn lookup<T: Send + 'static>(
        name: &str,
        after: u64,
        result: Result<T, &'static str>,
    ) -> (
        Probe<impl Future<Output = Result<T, &'static str>> + Send + 'static>,
        ProbeHandle,
    ) {
        Probe::new(name, async move {
            sleep(ms(after)).await;
            result
        })
    }

    #[tokio::test(start_paused = true)]
    async fn three_successes_take_as_long_as_the_slowest() {
        let t0 = Instant::now();
        let (a, _) = lookup("user", 30, Ok(1u32));
        let (b, _) = lookup("orders", 10, Ok('b'));
        let (c, _) = lookup("settings", 20, Ok("c"));
        let run = Harness::new().named("lookup_all").run(lookup_all(a, b, c));
        let out = finishes("lookup_all of three lookups", run).await.output;
        assert_eq!(
            out,
            Ok((1, 'b', "c")),
            "all three lookups succeed: lookup_all returns Ok((a, b, c)) in argument order"
        );
        assert_about(
            "lookups of 30, 10 and 20 ms run side by side, so lookup_all takes 30 ms (the \
             slowest), not 60 ms (the sum: awaited one after the other)",
            t0.elapsed(),
            ms(30),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_error_comes_at_once_and_the_others_are_dropped() {
        let t0 = Instant::now();
        let (a, ha) = lookup("user", 100, Ok(1u32));
        let (b, hb) = lookup::<u32>("orders", 10, Err("orders failed"));
        let (c, hc) = lookup("settings", 100, Ok(3u32));
        // Polled by hand, so the lookup_all future is still alive when it answers: whatever it
        // has not dropped by then, it kept.
        let mut all = Box::pin(lookup_all(a, b, c));
        let run = Harness::new()
            .named("lookup_all")
            .run(poll_fn(|cx| all.as_mut().poll(cx)));
        let out = finishes("lookup_all with a failing lookup", run)
            .await
            .output;
        assert_eq!(
            out,
            Err("orders failed"),
            "one lookup fails: lookup_all returns its error"
        );
        assert_about(
            "fail fast: the orders lookup fails at 10 ms, so lookup_all returns its error at 10 ms \
             instead of waiting for the 100 ms lookups",
            t0.elapsed(),
            ms(10),
        );
        assert!(
            ha.is_dropped() && hc.is_dropped(),
            "cancellation: when lookup_all returns the first error the other lookups must already \
             be dropped (user dropped: {}, settings dropped: {}). A spawned task or a detached \
             handle keeps them running in the background",
            ha.is_dropped(),
            hc.is_dropped()
        );
        assert!(hb.is_ready(), "the failing lookup ran to its error");
        drop(all);
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_error_in_time_wins_not_the_first_argument() {
        let t0 = Instant::now();
        let (a, _) = lookup::<u32>("user", 30, Err("user failed at 30 ms"));
        let (b, _) = lookup("orders", 50, Ok(2u32));
        let (c, _) = lookup::<u32>("settings", 10, Err("settings failed at 10 ms"));
        let run = Harness::new().named("lookup_all").run(lookup_all(a, b, c));
        let out = finishes("lookup_all with two failing lookups", run)
            .await
            .output;
        assert_eq!(
            out,
            Err("settings failed at 10 ms"),
            "two lookups fail, the third argument first: the first error *in time* wins, whatever \
             its position"
        );
        assert_about("the first error came at 10 ms", t0.elapsed(), ms(10));
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_poll_starts_every_lookup() {
        use shared::testing::poll_with;
        use shared::wakers::noop_waker;
        let (a, ha) = lookup("user", 30, Ok(1u32));
        let (b, hb) = lookup("orders", 10, Ok(2u32));
        let (c, hc) = lookup("settings", 20, Ok(3u32));
        let mut all = Box::pin(lookup_all(a, b, c));
        let first = poll_with(&mut all, &noop_waker());
        let polls = [ha.polls(), hb.polls(), hc.polls()];
        assert!(
            first.is_pending() && polls == [1, 1, 1],
            "concurrency starts at once: the very first poll of lookup_all must poll each of the \
             three lookups (user, orders, settings polled {polls:?} times). Starting one and \
             coming back for the others later (a self-wake, a turn each) delays every lookup but \
             the first"
        );
        drop(all);
    }

    #[tokio::test(start_paused = true)]
    async fn a_finished_lookup_is_not_polled_again() {
        let (a, ha) = lookup("user", 0, Ok(1u32));
        let (b, _) = lookup("orders", 20, Ok(2u32));
        let (c, _) = lookup("settings", 40, Ok(3u32));
        let run = Harness::new().named("lookup_all").run(lookup_all(a, b, c));
        let out = finishes("lookup_all", run).await.output;
        assert_eq!(out, Ok((1, 2, 3)), "three successes: Ok((1, 2, 3))");
        assert!(
            ha.polls() <= 2,
            "the user lookup is ready at once; it was polled {} times (its own sleep takes two \
             polls at most). Keep a finished lookup's value and stop polling it",
            ha.polls()
        );
    }
}

mod e02_select_loop {
    use super::*;
    use futures::FutureExt;
    use lesson_09::e02_select_loop::*;
    use shared::Harness;
    use shared::harness::Diagnosis;
    use shared::testing::{assert_about, finishes, panic_message, quietly};
    use std::panic::AssertUnwindSafe;
    use tokio::sync::{mpsc, oneshot};
    use tokio::time::{Instant, sleep_until};

    /// A producer task: sends each `(at_ms, text)` at that instant, then drops its sender.
    fn producer(plan: Vec<(u64, &'static str)>) -> mpsc::Receiver<String> {
        let (tx, rx) = mpsc::channel(64);
        let t0 = Instant::now();
        tokio::spawn(async move {
            for (at, text) in plan {
                sleep_until(t0 + ms(at)).await;
                if tx.send(text.to_string()).await.is_err() {
                    return;
                }
            }
        });
        rx
    }

    /// Runs `collect` under the harness (at most `max_polls` polls) and a time limit.
    async fn run(
        left: mpsc::Receiver<String>,
        right: mpsc::Receiver<String>,
        shutdown: oneshot::Receiver<()>,
        limit: Duration,
        max_polls: u64,
    ) -> Collected {
        let run = Harness::new()
            .named("collect")
            .max_polls(max_polls)
            .try_run(collect(left, right, shutdown, limit));
        // A panic inside collect is caught (and not printed) so that it can be explained.
        let caught = AssertUnwindSafe(quietly(finishes("collect", run)))
            .catch_unwind()
            .await;
        let finished = match caught {
            Ok(finished) => finished,
            Err(payload) => {
                let what = panic_message(payload.as_ref());
                if what.contains("after complete") {
                    panic!(
                        "collect polled the shutdown oneshot again after it had answered \
                         (tokio panicked: `{what}`). A oneshot answers once, Ok or Err; after a \
                         dropped sender's Err, leave that branch out with a guard (`sent = &mut \
                         shutdown, if shutdown_open => ...`, then `shutdown_open = false`)"
                    )
                }
                if what.contains("period") {
                    panic!(
                        "collect panicked: `{what}`. A zero limit is allowed (the time is up at \
                         once), and `tokio::time::interval` refuses a zero period: the limit is \
                         one deadline, so one `sleep(limit)` made before the loop is the timer"
                    )
                }
                panic!("collect panicked: `{what}`")
            }
        };
        match finished {
            Ok(done) => done.output,
            Err(failure) if matches!(failure.diagnosis, Diagnosis::BusyPolling { .. }) => panic!(
                "collect must sleep while it waits, but it was polled {} times without finishing: \
                 a loop that never waits. The usual cause is a closed channel that answers None \
                 at once on every turn: leave it out with a guard (`got = left.recv(), if \
                 left_open => ...`)",
                failure.polls
            ),
            Err(failure) => panic!("{failure}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn both_channels_closed_ends_the_collection_in_arrival_order() {
        let t0 = Instant::now();
        let left = producer(vec![(10, "L1"), (30, "L2")]);
        let right = producer(vec![(20, "R1"), (40, "R2")]);
        let (_keep, shutdown) = oneshot::channel();
        let got = run(left, right, shutdown, ms(1000), 1000).await;
        assert_eq!(
            got,
            Collected {
                messages: vec!["L1".into(), "R1".into(), "L2".into(), "R2".into()],
                stop: Stop::Closed
            },
            "messages from both channels in the order they arrived, then Stop::Closed when both \
             producers are gone"
        );
        assert_about(
            "the last producer leaves at 40 ms: that is when collect ends",
            t0.elapsed(),
            ms(40),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn closed_means_closed_and_drained() {
        let t0 = Instant::now();
        // Three messages sent at one instant, then the sender is gone: the channel is closed
        // while all three are still waiting in it.
        let (tx, left) = mpsc::channel(8);
        tokio::spawn(async move {
            sleep_until(t0 + ms(10)).await;
            for text in ["a", "b", "c"] {
                let _ = tx.try_send(text.to_string());
            }
        });
        let (gone, right) = mpsc::channel::<String>(1);
        drop(gone);
        let (_keep, shutdown) = oneshot::channel();
        let got = run(left, right, shutdown, ms(1000), 1000).await;
        assert_eq!(
            got,
            Collected {
                messages: vec!["a".into(), "b".into(), "c".into()],
                stop: Stop::Closed
            },
            "right closed at once, three messages left waiting in left whose sender is gone: \
             all three, then Stop::Closed. Closed means both channels closed *and drained*: \
             `recv()` returning None says so; `is_closed()` is true as soon as the senders are \
             gone, with messages still queued"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_time_limit_holds_while_messages_keep_coming() {
        let t0 = Instant::now();
        let plan: Vec<(u64, &str)> = (1..=20).map(|i| (i * 10, "tick")).collect();
        let left = producer(plan);
        let (_tx, right) = mpsc::channel(1);
        let (_keep, shutdown) = oneshot::channel();
        let got = run(left, right, shutdown, ms(55), 1000).await;
        assert_eq!(
            (got.stop, got.messages.len()),
            (Stop::TimeUp, 5),
            "a message every 10 ms and a 55 ms limit: Stop::TimeUp after 5 messages. A timer \
             made inside select! is new each turn, so every message restarts it; make it once \
             before the loop and race it by reference"
        );
        assert_about("the 55 ms limit", t0.elapsed(), ms(55));
    }

    #[tokio::test(start_paused = true)]
    async fn a_zero_limit_is_time_up_at_once() {
        let t0 = Instant::now();
        let (_l, left) = mpsc::channel(1);
        let (_r, right) = mpsc::channel(1);
        let (_keep, shutdown) = oneshot::channel();
        let got = run(left, right, shutdown, Duration::ZERO, 1000).await;
        assert_eq!(
            got,
            Collected {
                messages: vec![],
                stop: Stop::TimeUp
            },
            "a limit of zero, nothing sent: the time is up at once (Stop::TimeUp, no messages)"
        );
        assert_about("a zero limit", t0.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_shutdown_comes_before_waiting_messages() {
        for round in 0..24 {
            let (ltx, left) = mpsc::channel(8);
            let (rtx, right) = mpsc::channel(8);
            for i in 0..4 {
                let _ = ltx.try_send(format!("left {i}"));
                let _ = rtx.try_send(format!("right {i}"));
            }
            let (stop, shutdown) = oneshot::channel();
            let _ = stop.send(());
            let got = run(left, right, shutdown, ms(1000), 1000).await;
            assert_eq!(
                got,
                Collected {
                    messages: vec![],
                    stop: Stop::Shutdown
                },
                "round {round}: the shutdown was sent before collect started, with messages \
                 waiting in both channels: Stop::Shutdown and no message taken. select! picks a \
                 random ready branch unless told `biased;` (shutdown first)"
            );
            drop((ltx, rtx));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_shutdown_while_waiting_wakes_collect_at_once() {
        let t0 = Instant::now();
        let left = producer(vec![(10, "m1"), (20, "m2"), (30, "m3"), (40, "m4")]);
        let (_tx, right) = mpsc::channel(1);
        let (stop, shutdown) = oneshot::channel();
        tokio::spawn(async move {
            sleep_until(t0 + ms(25)).await;
            let _ = stop.send(());
        });
        let got = run(left, right, shutdown, ms(1000), 1000).await;
        let why = "the shutdown must wake collect by itself, as one of the select! branches; \
                   checked only between turns (try_recv at the top of the loop) it is seen when \
                   the next message arrives, one message too late";
        assert_eq!(
            (got.stop, got.messages.len()),
            (Stop::Shutdown, 2),
            "messages at 10, 20, 30, 40 ms and a shutdown sent at 25 ms, while collect waits: \
             Stop::Shutdown after 2 messages: {why}"
        );
        assert_about(
            &format!("a shutdown at 25 ms ends collect at 25 ms: {why}"),
            t0.elapsed(),
            ms(25),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_shutdown_sender_is_not_a_shutdown() {
        let left = producer(vec![(10, "a"), (20, "b")]);
        let right = producer(vec![(15, "c")]);
        let (gone, shutdown) = oneshot::channel::<()>();
        drop(gone);
        let got = run(left, right, shutdown, ms(1000), 1000).await;
        assert_eq!(
            got,
            Collected {
                messages: vec!["a".into(), "c".into(), "b".into()],
                stop: Stop::Closed
            },
            "the shutdown sender was dropped without sending: nobody asked for a shutdown, so \
             collect keeps going until the channels close (an Err from the oneshot means \"no \
             shutdown can come\", not \"shut down\")"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_closed_channel_is_not_polled_in_a_loop() {
        let (gone, left) = mpsc::channel::<String>(1);
        drop(gone);
        let right = producer(vec![(10, "x"), (20, "y"), (30, "z")]);
        let (_keep, shutdown) = oneshot::channel();
        let got = run(left, right, shutdown, ms(1000), 200).await;
        assert_eq!(
            got,
            Collected {
                messages: vec!["x".into(), "y".into(), "z".into()],
                stop: Stop::Closed
            },
            "left closed at once, right sent three messages: those three, then Stop::Closed"
        );
    }
}

mod e03_cancel_safety {
    use super::*;
    use lesson_09::e03_cancel_safety::*;
    use shared::Harness;
    use shared::testing::{finishes, scripted_stream};
    use std::future::{Future, poll_fn};
    use std::sync::{Arc, Mutex};
    use tokio::io::DuplexStream;
    use tokio::time::Instant;

    async fn read_all(rx: DuplexStream, every: u64) -> std::io::Result<Report> {
        let run = Harness::new()
            .named("frames_with_heartbeat")
            .run(frames_with_heartbeat(rx, ms(every)));
        finishes("frames_with_heartbeat", run).await.output
    }

    /// Asserts heartbeats at every, 2 every, ... up to `count`, each within a timer tick or two.
    fn assert_beats(what: &str, beats: &[Duration], every: u64, count: u64) {
        let expected: Vec<Duration> = (1..=count).map(|k| ms(k * every)).collect();
        let on_time = beats.len() == expected.len()
            && beats
                .iter()
                .zip(&expected)
                .all(|(b, e)| *b >= *e && *b <= *e + ms(2));
        assert!(
            on_time,
            "{what}: heartbeats due at {expected:?}, recorded at {beats:?}. A heartbeat every \
             {every} ms, on time, also while a frame is half read"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn whole_frames_and_heartbeats() {
        let rx = scripted_stream(1024, vec![(0, b"\x03abc\x01z".to_vec())], 15);
        let report = read_all(rx, 10).await;
        let report = match report {
            Ok(r) => r,
            Err(e) => panic!("two whole frames then a clean end: Ok(report), got the error {e}"),
        };
        assert_eq!(
            report.frames,
            vec![b"abc".to_vec(), b"z".to_vec()],
            "two frames sent in one write: both, in order"
        );
        assert_beats("the stream ends at 15 ms", &report.beats, 10, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn frames_that_arrive_together_are_all_reported() {
        let rx = scripted_stream(1024, vec![(0, b"\x02ab\x01c\x03def".to_vec())], 3);
        let report = match read_all(rx, 100).await {
            Ok(r) => r,
            Err(e) => panic!(
                "three whole frames in one write, then a clean end at 3 ms: Ok, got `{e}`. Were \
                 frames left behind in the buffer? One read can bring several frames: take every \
                 complete one (a `while`, not an `if`)"
            ),
        };
        assert_eq!(
            report.frames,
            vec![b"ab".to_vec(), b"c".to_vec(), b"def".to_vec()],
            "three frames that arrived in one read: all three, in order"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_frame_split_around_a_heartbeat_arrives_intact() {
        let rx = scripted_stream(
            1024,
            vec![
                (0, b"\x03ab".to_vec()),
                (25, b"c".to_vec()),
                (30, b"\x02xy".to_vec()),
            ],
            45,
        );
        let report = match read_all(rx, 10).await {
            Ok(r) => r,
            Err(e) => panic!(
                "cancel safety: a frame arrived in two parts with heartbeats between them, and \
                 the reader failed with `{e}`: the first part was lost when select! dropped a \
                 half-done read (read_exact keeps its bytes inside the future), so a data byte \
                 was then read as a length. Keep the partial frame outside the future select! \
                 drops"
            ),
        };
        assert_eq!(
            report.frames,
            vec![b"abc".to_vec(), b"xy".to_vec()],
            "cancel safety: \"ab\" at 0 ms and \"c\" at 25 ms make one frame \"abc\", whatever \
             heartbeats came between"
        );
        assert_beats("the stream ends at 45 ms", &report.beats, 10, 4);
    }

    #[tokio::test(start_paused = true)]
    async fn heartbeats_keep_time_while_a_frame_trickles_in() {
        let plan = b"\x05hello"
            .iter()
            .enumerate()
            .map(|(i, b)| (i as u64 * 7, vec![*b]))
            .collect();
        let rx = scripted_stream(1024, plan, 52);
        let report = match read_all(rx, 10).await {
            Ok(r) => r,
            Err(e) => panic!("a frame sent a byte every 7 ms then a clean end: Ok, got `{e}`"),
        };
        assert_eq!(
            report.frames,
            vec![b"hello".to_vec()],
            "a frame sent one byte every 7 ms arrives whole"
        );
        assert_beats(
            "a frame trickling in from 0 to 35 ms, the stream ending at 52 ms",
            &report.beats,
            10,
            5,
        );
    }

    #[tokio::test(start_paused = true)]
    async fn heartbeats_are_taken_when_due_not_caught_up_later() {
        // The first byte of the body comes at once, the rest only at 85 ms: eight heartbeats
        // fall inside the stall.
        let rx = scripted_stream(1024, vec![(0, b"\x03a".to_vec()), (85, b"bc".to_vec())], 95);
        let t0 = Instant::now();
        let polled: Arc<Mutex<Vec<Duration>>> = Arc::default();
        let log = polled.clone();
        let mut reader = Box::pin(frames_with_heartbeat(rx, ms(10)));
        let run = Harness::new()
            .named("frames_with_heartbeat")
            .run(poll_fn(move |cx| {
                log.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(t0.elapsed());
                reader.as_mut().poll(cx)
            }));
        let report = match finishes("frames_with_heartbeat", run).await.output {
            Ok(r) => r,
            Err(e) => panic!(
                "one frame whose body stalls from 0 to 85 ms, then a clean end: Ok, got `{e}`"
            ),
        };
        assert_eq!(
            report.frames,
            vec![b"abc".to_vec()],
            "one frame, \"a\" at 0 ms and \"bc\" at 85 ms: \"abc\""
        );
        assert_beats("a frame stalled from 0 to 85 ms", &report.beats, 10, 9);
        let polled = polled.lock().unwrap_or_else(|p| p.into_inner());
        let missed: Vec<Duration> = (1..=9)
            .map(|k| ms(10 * k))
            .filter(|due| !polled.iter().any(|p| *p >= *due && *p <= *due + ms(2)))
            .collect();
        assert!(
            missed.is_empty(),
            "heartbeats on time, also while a frame is half read: frames_with_heartbeat was not \
             even running (polled) at {missed:?}, so the heartbeats due then were recorded later, \
             stamped with the instant they were due. Awaiting the rest of a frame outside \
             select! stalls the heartbeats until the frame is complete; keep the half frame in a \
             buffer owned by the loop and race only the cancel-safe `read`"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_cut_mid_frame_is_an_error() {
        let rx = scripted_stream(1024, vec![(0, b"\x01k\x04ab".to_vec())], 5);
        let out = read_all(rx, 100).await;
        match out {
            Err(e) => assert_eq!(
                e.kind(),
                std::io::ErrorKind::UnexpectedEof,
                "a stream that ends in the middle of a frame: an error of kind UnexpectedEof"
            ),
            Ok(r) => panic!(
                "the stream ended two bytes into a four-byte frame: that is an UnexpectedEof \
                 error, not Ok({r:?}) with the truncated frame silently dropped"
            ),
        }
    }
}

mod e04_bounded {
    use super::*;
    use lesson_09::e04_bounded::*;
    use shared::testing::{assert_about, finishes};
    use shared::{Harness, Probe, ProbeHandle};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;
    use tokio::time::{Instant, sleep};

    /// What the jobs of one test saw: how many were in flight, the most at once, when each began.
    #[derive(Default)]
    struct Seen {
        in_flight: usize,
        most: usize,
        started: Vec<(usize, Duration)>,
    }

    /// Job `id`: sleeps `dur` ms, counting itself in flight meanwhile, and returns `id`.
    fn job(
        id: usize,
        dur: u64,
        seen: &Arc<Mutex<Seen>>,
        t0: Instant,
    ) -> (Probe<impl Future<Output = usize>>, ProbeHandle) {
        let seen = seen.clone();
        Probe::new(&format!("job {id}"), async move {
            {
                let mut s = seen.lock().unwrap_or_else(|p| p.into_inner());
                s.in_flight += 1;
                s.most = s.most.max(s.in_flight);
                s.started.push((id, t0.elapsed()));
            }
            sleep(ms(dur)).await;
            seen.lock().unwrap_or_else(|p| p.into_inner()).in_flight -= 1;
            id
        })
    }

    use std::future::Future;

    #[tokio::test(start_paused = true)]
    async fn two_at_a_time_refilled_at_once_results_as_they_finish() {
        let t0 = Instant::now();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let durations = [50, 10, 45, 12, 30, 21];
        let jobs: Vec<_> = durations
            .iter()
            .enumerate()
            .map(|(id, d)| job(id, *d, &seen, t0).0)
            .collect();
        let run = Harness::new()
            .named("run_bounded")
            .run(run_bounded(jobs, 2));
        let out = finishes("run_bounded(6 jobs, 2)", run).await.output;
        let s = seen.lock().unwrap_or_else(|p| p.into_inner());
        assert!(
            s.most <= 2,
            "at most `limit` in flight: with limit 2, {} jobs ran at once",
            s.most
        );
        let starts: Vec<(usize, u64)> = s
            .started
            .iter()
            .map(|(id, at)| (*id, at.as_millis() as u64))
            .collect();
        assert_eq!(
            starts,
            vec![(0, 0), (1, 0), (2, 10), (3, 50), (4, 55), (5, 62)],
            "jobs of 50, 10, 45, 12, 30, 21 ms, two at a time: each job starts, in the given \
             order, the moment a slot frees up (job, start ms). Starting a whole batch only when \
             the last one is done wastes the free slot"
        );
        assert_eq!(
            out,
            vec![1, 0, 2, 3, 5, 4],
            "results in completion order: job 1 ends at 10 ms, 0 at 50, 2 at 55, 3 at 62, 5 at \
             83, 4 at 85 (not the given order)"
        );
        assert_about("the last job ends at 85 ms", t0.elapsed(), ms(85));
    }

    #[tokio::test(start_paused = true)]
    async fn only_the_job_that_woke_is_polled_again() {
        let t0 = Instant::now();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let (jobs, handles): (Vec<_>, Vec<_>) = (0..8)
            .map(|id| job(id, 10 * (id as u64 + 1), &seen, t0))
            .unzip();
        let run = Harness::new()
            .named("run_bounded")
            .run(run_bounded(jobs, 8));
        let out = finishes("run_bounded(8 jobs, 8)", run).await.output;
        assert_eq!(
            out,
            (0..8).collect::<Vec<_>>(),
            "jobs of 10, 20, ... 80 ms finish in order"
        );
        let polls: Vec<u64> = handles.iter().map(|h| h.polls()).collect();
        assert!(
            polls.iter().all(|&p| p <= 3),
            "per-child wakers: each job sleeps once, so it needs two polls (start, timer fired); \
             polled {polls:?}. Polling every job whenever any one wakes is what lesson 02's Join \
             does; a FuturesUnordered polls only the job whose waker fired"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn one_at_a_time_is_a_queue() {
        let t0 = Instant::now();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let jobs: Vec<_> = [30, 10, 20]
            .iter()
            .enumerate()
            .map(|(id, d)| job(id, *d, &seen, t0).0)
            .collect();
        let run = Harness::new()
            .named("run_bounded")
            .run(run_bounded(jobs, 1));
        let out = finishes("run_bounded(3 jobs, 1)", run).await.output;
        let most = seen.lock().unwrap_or_else(|p| p.into_inner()).most;
        assert!(
            most == 1,
            "at most `limit` in flight: with limit 1, {most} jobs ran at once. Start a job only \
             while fewer than `limit` are running (`<`, not `<=`)"
        );
        assert_eq!(
            out,
            vec![0, 1, 2],
            "limit 1: one job at a time, started in the order given, so they also finish in that \
             order"
        );
        assert_about("30 + 10 + 20 ms one at a time", t0.elapsed(), ms(60));
    }
}

mod e05_first_ok {
    use super::*;
    use lesson_09::e05_first_ok::*;
    use shared::testing::{assert_about, finishes};
    use shared::{Harness, Probe, ProbeHandle};
    use std::future::{Future, poll_fn};
    use tokio::time::{Instant, sleep};

    type Answer = Result<&'static str, &'static str>;

    /// Replica `name`: answers `result` after `after` ms, or never when `after` is None.
    fn replica(
        name: &str,
        after: Option<u64>,
        result: Answer,
    ) -> (
        Probe<impl Future<Output = Answer> + Send + 'static>,
        ProbeHandle,
    ) {
        Probe::new(name, async move {
            match after {
                Some(t) => sleep(ms(t)).await,
                None => std::future::pending::<()>().await,
            }
            result
        })
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_ok_wins_and_the_others_are_dropped() {
        let t0 = Instant::now();
        let (r0, h0) = replica("replica 0", Some(5), Err("0 is down"));
        let (r1, h1) = replica("replica 1", Some(20), Ok("from 1"));
        let (r2, h2) = replica("replica 2", Some(30), Ok("from 2"));
        let (r3, h3) = replica("replica 3", None, Ok("never"));
        let mut race = Box::pin(first_ok(vec![r0, r1, r2, r3]));
        let run = Harness::new()
            .named("first_ok")
            .run(poll_fn(|cx| race.as_mut().poll(cx)));
        let out = finishes("first_ok of four replicas", run).await.output;
        assert_eq!(
            out,
            Ok("from 1"),
            "replica 0 fails at 5 ms, replica 1 answers Ok at 20 ms: the first Ok wins, an \
             earlier error does not"
        );
        assert_about(
            "the race: replica 1's Ok at 20 ms is returned at once (asking the replicas one after \
             another would be later)",
            t0.elapsed(),
            ms(20),
        );
        assert!(
            h2.is_dropped() && h3.is_dropped(),
            "cancellation: once the winner is returned the other replicas must be dropped \
             (replica 2 dropped: {}, replica 3 dropped: {}). A spawned task keeps running when its \
             JoinHandle is dropped, and abort() (or dropping a JoinSet) only schedules the \
             cancellation, which lands after first_ok has returned: keep the replicas as plain \
             futures in this task (a FuturesUnordered), so that returning drops them",
            h2.is_dropped(),
            h3.is_dropped()
        );
        assert!(
            h0.is_ready() && h1.is_ready(),
            "replicas 0 and 1 ran to the end"
        );
        drop(race);
    }

    #[tokio::test(start_paused = true)]
    async fn all_failing_gives_every_error_in_the_replicas_order() {
        let t0 = Instant::now();
        let (r0, _) = replica("replica 0", Some(30), Err("a"));
        let (r1, _) = replica("replica 1", Some(10), Err("b"));
        let (r2, _) = replica("replica 2", Some(20), Err("c"));
        let run = Harness::new()
            .named("first_ok")
            .run(first_ok(vec![r0, r1, r2]));
        let out = finishes("first_ok of three failing replicas", run)
            .await
            .output;
        assert_eq!(
            out,
            Err(vec!["a", "b", "c"]),
            "every replica fails (0 at 30 ms, 1 at 10 ms, 2 at 20 ms): Err with every error, \
             errors[i] from replica i, whatever order they failed in"
        );
        assert_about(
            "the replicas race, so the last failure comes at 30 ms (the slowest), not after the \
             sum of their times (one after another)",
            t0.elapsed(),
            ms(30),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn errors_stay_at_their_replicas_index_whatever_order_they_fail_in() {
        // Replica 0 fails first and replica 4 soon after: a bookkeeping that follows positions in
        // a shrinking list (select_all's index, swap_remove) loses track of who is who.
        let fail_at = [10, 50, 40, 20, 30];
        let names = ["zero", "one", "two", "three", "four"];
        let replicas: Vec<_> = (0..5)
            .map(|i| replica(names[i], Some(fail_at[i]), Err(names[i])).0)
            .collect();
        let run = Harness::new().named("first_ok").run(first_ok(replicas));
        let out = finishes("first_ok of five failing replicas", run)
            .await
            .output;
        assert_eq!(
            out,
            Err(names.to_vec()),
            "five replicas fail at {fail_at:?} ms: errors[i] is replica i's error, whatever order \
             they failed in. Carry each replica's own index with its future (an index into a \
             list that shrinks as replicas finish points at someone else after a removal)"
        );
    }

    #[test]
    fn no_replicas_is_an_empty_error_at_once() {
        use shared::testing::{poll_with, quiet_panic};
        use shared::wakers::noop_waker;
        use std::task::Poll;
        let none: Vec<std::future::Ready<Answer>> = Vec::new();
        let mut race = Box::pin(first_ok(none));
        match quiet_panic(move || poll_with(&mut race, &noop_waker())) {
            Ok(Poll::Ready(Err(errors))) if errors.is_empty() => {}
            Ok(Poll::Ready(other)) => panic!(
                "no replicas at all: Err(vec![]) (every replica failed, vacuously), got {other:?}"
            ),
            Ok(Poll::Pending) => panic!(
                "no replicas at all: Err(vec![]) at once, on the first poll, but first_ok \
                 returned Pending. An empty race is over before it starts: a loop that returns \
                 the errors only after the n-th failure never gets there with zero replicas"
            ),
            Err(panic) => panic!(
                "no replicas at all: Err(vec![]) at once, but first_ok panicked: `{panic}`. An \
                 empty race is over before it starts (FuturesUnordered::next gives None at once; \
                 select_next_some and select_all panic on an empty set)"
            ),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_fast_failure_does_not_end_the_race() {
        let (r0, _) = replica("replica 0", Some(1), Err("fast and broken"));
        let (r1, _) = replica("replica 1", Some(50), Ok("slow and right"));
        let run = Harness::new().named("first_ok").run(first_ok(vec![r0, r1]));
        let out = finishes("first_ok", run).await.output;
        assert_eq!(
            out,
            Ok("slow and right"),
            "an error takes a replica out of the race, it does not win it: the Ok at 50 ms is \
             the answer"
        );
    }
}

mod e06_hedged {
    use super::*;
    use lesson_09::e06_hedged::*;
    use shared::testing::{assert_about, finishes};
    use shared::{Harness, Probe, ProbeHandle};
    use std::future::{Future, poll_fn};
    use std::sync::{Arc, Mutex};
    use tokio::time::{Instant, sleep};

    /// Each call of the attempt function: its number, when it was made, and its probe's handle.
    type Calls = Arc<Mutex<Vec<(u32, Duration, ProbeHandle)>>>;

    /// One attempt, boxed so that the attempt function's type can be written down.
    type Attempt = Probe<std::pin::Pin<Box<dyn Future<Output = u32> + Send>>>;

    /// An attempt function: attempt n answers n after `times[n - 1]` ms (never, if None).
    fn attempts(times: [Option<u64>; 2]) -> (impl FnMut(u32) -> Attempt, Calls) {
        let calls: Calls = Arc::default();
        let log = calls.clone();
        let t0 = Instant::now();
        let make = move |n: u32| {
            let after = times.get(n as usize - 1).copied().flatten();
            let work: std::pin::Pin<Box<dyn Future<Output = u32> + Send>> = Box::pin(async move {
                match after {
                    Some(t) => sleep(ms(t)).await,
                    None => std::future::pending::<()>().await,
                }
                n
            });
            let (probe, handle) = Probe::new(&format!("attempt {n}"), work);
            log.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((n, t0.elapsed(), handle));
            probe
        };
        (make, calls)
    }

    fn made(calls: &Calls) -> Vec<(u32, u128)> {
        let calls = calls.lock().unwrap_or_else(|p| p.into_inner());
        calls
            .iter()
            .map(|(n, at, _)| (*n, at.as_millis()))
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn a_quick_first_answer_makes_no_second_attempt() {
        let t0 = Instant::now();
        let (attempt, calls) = attempts([Some(30), Some(5)]);
        let run = Harness::new().named("hedged").run(hedged(attempt, ms(50)));
        let out = finishes("hedged(50 ms)", run).await.output;
        assert_eq!(
            made(&calls),
            vec![(1, 0)],
            "attempt 1 answered within the threshold: attempt(1) is made at once and attempt(2) \
             never (a hedge costs a second request only for slow ones). Calls (attempt, ms)"
        );
        assert_eq!(
            out, 1,
            "attempt 1 answers at 30 ms, under the 50 ms threshold: its answer"
        );
        assert_about("attempt 1's answer at 30 ms", t0.elapsed(), ms(30));
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_first_attempt_gets_a_hedge_that_wins() {
        let t0 = Instant::now();
        let (attempt, calls) = attempts([Some(200), Some(20)]);
        let mut race = Box::pin(hedged(attempt, ms(50)));
        let run = Harness::new()
            .named("hedged")
            .run(poll_fn(|cx| race.as_mut().poll(cx)));
        let out = finishes("hedged(50 ms)", run).await.output;
        assert_eq!(
            out, 2,
            "attempt 1 takes 200 ms, attempt 2 (made at 50 ms) 20 ms: attempt 2's answer wins"
        );
        assert_eq!(
            made(&calls),
            vec![(1, 0), (2, 50)],
            "attempt 1 at once, attempt 2 exactly at the 50 ms threshold (attempt, ms)"
        );
        assert_about("attempt 2's answer at 70 ms", t0.elapsed(), ms(70));
        let first_dropped = calls.lock().unwrap_or_else(|p| p.into_inner())[0]
            .2
            .is_dropped();
        assert!(
            first_dropped,
            "the loser is dropped: attempt 2 won, so attempt 1 must be dropped by the time hedged \
             returns"
        );
        drop(race);
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_attempt_keeps_running_and_can_still_win() {
        let t0 = Instant::now();
        let (attempt, calls) = attempts([Some(60), Some(100)]);
        let mut race = Box::pin(hedged(attempt, ms(50)));
        let run = Harness::new()
            .named("hedged")
            .run(poll_fn(|cx| race.as_mut().poll(cx)));
        let out = finishes("hedged(50 ms)", run).await.output;
        assert_eq!(
            out, 1,
            "a hedge does not cancel attempt 1: it answers at 60 ms, before attempt 2 (made at \
             50 ms, 100 ms long), so its answer wins. Dropping attempt 1 at the threshold is a \
             retry, not a hedge"
        );
        assert_about("attempt 1's answer at 60 ms", t0.elapsed(), ms(60));
        let calls_now = calls.lock().unwrap_or_else(|p| p.into_inner());
        let first_polls = calls_now[0].2.polls();
        assert!(
            first_polls <= 6,
            "attempt 1 sleeps once, so it needs two polls, and a few more around the hedge are \
             fine; it was polled {first_polls} times. Wait for the threshold with one timer (a \
             sleep of `after`, or a deadline), not a clock ticking in small steps that polls \
             attempt 1 on every tick"
        );
        let second_dropped = calls_now.get(1).map(|c| c.2.is_dropped());
        assert_eq!(
            second_dropped,
            Some(true),
            "attempt 2 is made at the threshold and, having lost, dropped by the time hedged \
             returns. A spawned task is not dropped with its JoinHandle, and abort() only \
             schedules the cancellation, which lands after hedged has returned: keep both \
             attempts as plain futures in this task"
        );
        drop(calls_now);
        drop(race);
    }

    #[tokio::test(start_paused = true)]
    async fn the_tie_after_the_hedge_goes_to_attempt_one() {
        for round in 0..32 {
            // Attempt 1 answers at 60 ms; attempt 2, made at 50 ms, takes 10 ms: both at 60 ms.
            let (attempt, calls) = attempts([Some(60), Some(10)]);
            let run = Harness::new().named("hedged").run(hedged(attempt, ms(50)));
            let out = finishes("hedged(50 ms)", run).await.output;
            assert!(
                out == 1 && made(&calls).len() == 2,
                "round {round}: attempt 1 (60 ms) and the hedge made at 50 ms (10 ms) answer at \
                 the same instant: a tie goes to attempt 1 (got attempt {out}'s answer, calls \
                 {:?}). select! picks a random ready branch unless told `biased;`, in the second \
                 race too",
                made(&calls)
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_answer_exactly_at_the_threshold_is_in_time() {
        for round in 0..32 {
            let (attempt, calls) = attempts([Some(40), Some(1)]);
            let run = Harness::new().named("hedged").run(hedged(attempt, ms(40)));
            let out = finishes("hedged(40 ms)", run).await.output;
            assert!(
                out == 1 && made(&calls).len() == 1,
                "round {round}: attempt 1 answers exactly at the 40 ms threshold: that is in time, \
                 so its answer and no second attempt (got attempt {out}'s answer, calls {:?}). \
                 select! picks a random ready branch unless told `biased;`",
                made(&calls)
            );
        }
    }
}
