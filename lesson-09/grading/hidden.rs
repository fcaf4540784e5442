//! Hidden tests for lesson 09 (grading only; not in the student edition).
//!
//! The same promises as the visible tests, from other angles: the very first poll, errors that are
//! ready at once, many random timings in one run, frames split at every byte.

use std::time::Duration;

use shared::testing::ms;

/// A small deterministic generator (xorshift), so "random" timings are the same on every run.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

mod e01_try_join {
    use super::*;
    use lesson_09::e01_try_join::*;
    use shared::testing::{assert_about, finishes, poll_with};
    use shared::wakers::noop_waker;
    use shared::{Harness, Probe};
    use std::future::pending;
    use tokio::time::{Instant, sleep};

    #[tokio::test(start_paused = true)]
    async fn the_first_poll_starts_all_three() {
        let (a, ha) = Probe::new("user", pending::<Result<u8, ()>>());
        let (b, hb) = Probe::new("orders", pending::<Result<u8, ()>>());
        let (c, hc) = Probe::new("settings", pending::<Result<u8, ()>>());
        let mut all = Box::pin(lookup_all(a, b, c));
        let first = poll_with(&mut all, &noop_waker());
        assert!(first.is_pending(), "three lookups still pending: Pending");
        assert!(
            ha.polls() == 1 && hb.polls() == 1 && hc.polls() == 1,
            "concurrency: the first poll of lookup_all must start (poll) all three lookups once \
             each; polled user {}, orders {}, settings {} times",
            ha.polls(),
            hb.polls(),
            hc.polls()
        );
        drop(all);
        assert!(
            ha.is_dropped() && hb.is_dropped() && hc.is_dropped(),
            "dropping lookup_all drops its lookups"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_error_ready_at_once_cancels_two_that_never_finish() {
        let (a, ha) = Probe::new("user", pending::<Result<u8, &str>>());
        let (b, hb) = Probe::new("orders", pending::<Result<u8, &str>>());
        let (c, _) = Probe::new("settings", async { Err::<u8, _>("no settings") });
        let mut all = Box::pin(lookup_all(a, b, c));
        let run = Harness::new()
            .named("lookup_all")
            .run(std::future::poll_fn(|cx| all.as_mut().poll(cx)));
        let out = finishes(
            "lookup_all with an error ready at once and two lookups that never end",
            run,
        )
        .await
        .output;
        assert_eq!(out, Err("no settings"), "the error is returned");
        assert!(
            ha.is_dropped() && hb.is_dropped(),
            "cancellation: the two lookups that never finish must be dropped when the error is \
             returned (user {}, orders {})",
            ha.is_dropped(),
            hb.is_dropped()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn many_random_timings() {
        let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
        for round in 0..40 {
            let times: Vec<u64> = (0..3).map(|_| 1 + dice.roll(50)).collect();
            let fails: Vec<bool> = (0..3).map(|_| dice.roll(3) == 0).collect();
            let make = |i: usize| {
                let (t, f) = (times[i], fails[i]);
                let fut = async move {
                    sleep(ms(t)).await;
                    if f { Err(i) } else { Ok(t) }
                };
                Probe::new(["a", "b", "c"][i], fut)
            };
            let ((a, _), (b, _), (c, _)) = (make(0), make(1), make(2));
            let t0 = Instant::now();
            let run = Harness::new().named("lookup_all").run(lookup_all(a, b, c));
            let out = finishes("lookup_all", run).await.output;
            let first_err = (0..3).filter(|&i| fails[i]).min_by_key(|&i| (times[i], i));
            match first_err {
                None => {
                    assert_eq!(
                        out,
                        Ok((times[0], times[1], times[2])),
                        "round {round}: all succeed"
                    );
                    let slowest = *times.iter().max().unwrap_or(&0);
                    assert_about(
                        &format!("round {round}: all succeed, so it takes as long as the slowest"),
                        t0.elapsed(),
                        ms(slowest),
                    );
                }
                Some(i) => {
                    let tied = (0..3).filter(|&j| fails[j] && times[j] == times[i]).count();
                    if tied == 1 {
                        assert_eq!(
                            out,
                            Err(i),
                            "round {round}: lookups {times:?} ms, failing {fails:?}: the first \
                             error in time wins"
                        );
                    } else {
                        assert!(out.is_err(), "round {round}: an error is returned");
                    }
                    assert_about(
                        &format!("round {round}: fail fast at the first error"),
                        t0.elapsed(),
                        ms(times[i]),
                    );
                }
            }
        }
    }
}

mod e02_select_loop {
    use super::*;
    use lesson_09::e02_select_loop::*;
    use shared::Harness;
    use shared::testing::{assert_about, finishes};
    use tokio::sync::{mpsc, oneshot};
    use tokio::time::{Instant, sleep, sleep_until};

    async fn run(
        left: mpsc::Receiver<String>,
        right: mpsc::Receiver<String>,
        shutdown: oneshot::Receiver<()>,
        limit: Duration,
    ) -> Run {
        let run = Harness::new()
            .named("collect")
            .max_polls(2000)
            .run(collect(left, right, shutdown, limit));
        let done = finishes("collect", run).await;
        Run {
            got: done.output,
            polls: done.polls,
        }
    }

    struct Run {
        got: Collected,
        polls: u64,
    }

    #[tokio::test(start_paused = true)]
    async fn a_shutdown_mid_stream_stops_at_once() {
        let t0 = Instant::now();
        let (tx, left) = mpsc::channel(64);
        tokio::spawn(async move {
            for i in 0.. {
                sleep(ms(10)).await;
                if tx.send(format!("m{i}")).await.is_err() {
                    return;
                }
            }
        });
        let (_tx2, right) = mpsc::channel(1);
        let (stop, shutdown) = oneshot::channel();
        tokio::spawn(async move {
            sleep(ms(35)).await;
            let _ = stop.send(());
        });
        let out = run(left, right, shutdown, ms(10_000)).await;
        assert_eq!(
            (out.got.stop, out.got.messages.len()),
            (Stop::Shutdown, 3),
            "messages at 10, 20, 30 ms and a shutdown at 35 ms: three messages, Stop::Shutdown"
        );
        assert_about("the shutdown at 35 ms", t0.elapsed(), ms(35));
    }

    #[tokio::test(start_paused = true)]
    async fn time_up_while_everything_is_quiet_costs_few_polls() {
        let t0 = Instant::now();
        let (_l, left) = mpsc::channel(1);
        let (_r, right) = mpsc::channel(1);
        let (_s, shutdown) = oneshot::channel();
        let out = run(left, right, shutdown, ms(250)).await;
        assert_eq!(
            out.got,
            Collected {
                messages: vec![],
                stop: Stop::TimeUp
            },
            "nothing happens for 250 ms: Stop::TimeUp with no messages"
        );
        assert_about("the 250 ms limit", t0.elapsed(), ms(250));
        assert!(
            out.polls <= 4,
            "nothing happened but the timer: collect should be polled about twice (start, time \
             up), not {} times. Wait on the timer instead of checking it in a loop",
            out.polls
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_limit_counts_from_the_start_not_from_the_last_message() {
        // Messages in bursts with gaps shorter than the limit: a restarted timer never fires.
        let t0 = Instant::now();
        let (tx, left) = mpsc::channel(64);
        tokio::spawn(async move {
            for at in [5u64, 40, 75, 110, 145, 180] {
                sleep_until(t0 + ms(at)).await;
                let _ = tx.send(format!("at {at}")).await;
            }
            sleep(ms(1000)).await;
        });
        let (rtx, right) = mpsc::channel(1);
        drop(rtx);
        let (_s, shutdown) = oneshot::channel();
        let out = run(left, right, shutdown, ms(100)).await;
        assert_eq!(
            (out.got.stop, out.got.messages.len()),
            (Stop::TimeUp, 3),
            "a 100 ms limit and messages at 5, 40, 75, 110 ms: TimeUp at 100 ms after three \
             messages (the limit is for the whole collection, made once before the loop)"
        );
        assert_about("the 100 ms limit", t0.elapsed(), ms(100));
    }

    #[tokio::test(start_paused = true)]
    async fn random_interleavings_keep_every_message_in_order() {
        let mut dice = Dice(0x1234_5678_9abc_def1);
        for round in 0..30 {
            let t0 = Instant::now();
            let mut plan: Vec<(u64, bool, String)> = (0..12)
                .map(|i| (dice.roll(200) * 2 + 1, dice.roll(2) == 0, format!("m{i}")))
                .collect();
            plan.sort();
            plan.dedup_by_key(|p| p.0);
            let (ltx, left) = mpsc::channel(64);
            let (rtx, right) = mpsc::channel(64);
            let expected: Vec<String> = plan.iter().map(|p| p.2.clone()).collect();
            tokio::spawn(async move {
                for (at, to_left, text) in plan {
                    sleep_until(t0 + ms(at)).await;
                    let tx = if to_left { &ltx } else { &rtx };
                    let _ = tx.send(text).await;
                }
            });
            let (_s, shutdown) = oneshot::channel();
            let out = run(left, right, shutdown, ms(5000)).await;
            assert_eq!(
                out.got,
                Collected {
                    messages: expected,
                    stop: Stop::Closed
                },
                "round {round}: every message of both channels, in arrival order, then Closed"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn both_channels_closed_with_messages_still_queued_are_drained() {
        let (ltx, left) = mpsc::channel(8);
        let (rtx, right) = mpsc::channel(8);
        for i in 0..3 {
            let _ = ltx.try_send(format!("l{i}"));
            let _ = rtx.try_send(format!("r{i}"));
        }
        drop((ltx, rtx));
        let (_s, shutdown) = oneshot::channel();
        let out = run(left, right, shutdown, ms(1000)).await;
        let mut got = out.got.messages.clone();
        got.sort();
        assert!(
            out.got.stop == Stop::Closed && got == ["l0", "l1", "l2", "r0", "r1", "r2"],
            "both senders gone before the start, three messages queued in each channel: all six, \
             then Stop::Closed (closed means closed and drained); got {:?}",
            out.got
        );
        let lefts: Vec<&String> = out
            .got
            .messages
            .iter()
            .filter(|m| m.starts_with('l'))
            .collect();
        assert!(
            lefts == ["l0", "l1", "l2"],
            "each channel's messages keep their order: got {:?}",
            out.got.messages
        );
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_wins_against_a_ready_timer_and_messages() {
        for round in 0..24 {
            let (ltx, left) = mpsc::channel(4);
            let _ = ltx.try_send("waiting".to_string());
            let (_r, right) = mpsc::channel(1);
            let (stop, shutdown) = oneshot::channel();
            let _ = stop.send(());
            let out = run(left, right, shutdown, ms(0)).await;
            assert!(
                out.got.stop != Stop::Closed && out.got.messages.is_empty(),
                "round {round}: a shutdown sent before the start, a message waiting: no message \
                 may be taken after a shutdown was sent (got {:?})",
                out.got
            );
            drop(ltx);
        }
    }
}

mod e03_cancel_safety {
    use super::*;
    use lesson_09::e03_cancel_safety::*;
    use shared::Harness;
    use shared::testing::{finishes, scripted_stream};

    async fn read_all(
        plan: Vec<(u64, Vec<u8>)>,
        end_ms: u64,
        every: u64,
    ) -> std::io::Result<Report> {
        let rx = scripted_stream(4096, plan, end_ms);
        let run = Harness::new()
            .named("frames_with_heartbeat")
            .run(frames_with_heartbeat(rx, ms(every)));
        finishes("frames_with_heartbeat", run).await.output
    }

    #[tokio::test(start_paused = true)]
    async fn random_frames_split_anywhere() {
        let mut dice = Dice(0xdead_beef_cafe_f00d);
        for round in 0..40 {
            let frames: Vec<Vec<u8>> = (0..1 + dice.roll(6))
                .map(|_| (0..dice.roll(40)).map(|_| dice.roll(256) as u8).collect())
                .collect();
            let mut bytes = Vec::new();
            for f in &frames {
                bytes.push(f.len() as u8);
                bytes.extend_from_slice(f);
            }
            // Cut the stream into pieces at random places, sent at random instants.
            let mut plan = Vec::new();
            let (mut at, mut rest) = (0u64, &bytes[..]);
            while !rest.is_empty() {
                let take = (1 + dice.roll(8) as usize).min(rest.len());
                plan.push((at, rest[..take].to_vec()));
                rest = &rest[take..];
                at += dice.roll(9);
            }
            let end = at + 1;
            let every = 3 + dice.roll(5);
            let report = match read_all(plan, end, every).await {
                Ok(r) => r,
                Err(e) => panic!(
                    "round {round}: frames cut into pieces with heartbeats every {every} ms \
                     between them failed with `{e}`: a half-read frame was lost when select! \
                     dropped the read (cancel safety)"
                ),
            };
            assert_eq!(
                report.frames, frames,
                "round {round}: every frame intact and in order, however its bytes were split"
            );
            let due = (end - 1) / every;
            let on_time = report.beats.len() as u64 >= due
                && report.beats.len() as u64 <= due + 1
                && report.beats.iter().enumerate().all(|(k, b)| {
                    let e = ms((k as u64 + 1) * every);
                    *b >= e && *b <= e + ms(2)
                });
            assert!(
                on_time,
                "round {round}: a heartbeat every {every} ms until the end at {end} ms, each on \
                 time; recorded {:?}",
                report.beats
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn many_frames_in_one_write_are_all_reported() {
        let mut bytes = Vec::new();
        for i in 0..20u8 {
            bytes.extend_from_slice(&[2, i, i]);
        }
        let report = read_all(vec![(0, bytes)], 7, 5).await;
        let frames = match report {
            Ok(r) => r.frames,
            Err(e) => panic!(
                "twenty whole frames in one write, then a clean end: Ok, got `{e}` (were frames \
                 left in the buffer at the end of the stream?)"
            ),
        };
        assert_eq!(
            frames.len(),
            20,
            "twenty frames arrived in one read: all twenty are reported, none left behind"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_length_byte_with_nothing_after_it_is_an_error() {
        let out = read_all(vec![(0, vec![1, 9, 3])], 12, 5).await;
        match out {
            Err(e) => assert_eq!(
                e.kind(),
                std::io::ErrorKind::UnexpectedEof,
                "the stream ended right after a length byte: UnexpectedEof"
            ),
            Ok(r) => panic!(
                "a frame announced (length 3) and the stream ended: UnexpectedEof, not Ok({r:?})"
            ),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn every_heartbeat_runs_at_its_instant_while_a_length_byte_waits_for_its_body() {
        use std::future::{Future, poll_fn};
        use std::sync::{Arc, Mutex};
        use tokio::time::Instant;
        // Two frames; the second's length byte comes with the first frame, its body only at 41 ms.
        let plan = vec![(0, vec![1, 7, 4]), (41, vec![1, 2, 3, 4])];
        let rx = scripted_stream(4096, plan, 50);
        let t0 = Instant::now();
        let polled: Arc<Mutex<Vec<Duration>>> = Arc::default();
        let log = polled.clone();
        let mut reader = Box::pin(frames_with_heartbeat(rx, ms(6)));
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
            Err(e) => {
                panic!("two frames, the second's body 41 ms late, then a clean end: Ok, got `{e}`")
            }
        };
        assert_eq!(
            report.frames,
            vec![vec![7], vec![1, 2, 3, 4]],
            "two frames: [7], then [1, 2, 3, 4] whose body came late"
        );
        let polled = polled.lock().unwrap_or_else(|p| p.into_inner());
        let missed: Vec<Duration> = (1..=8)
            .map(|k| ms(6 * k))
            .filter(|due| !polled.iter().any(|p| *p >= *due && *p <= *due + ms(2)))
            .collect();
        assert!(
            missed.is_empty() && report.beats.len() == 8,
            "a heartbeat every 6 ms, each taken when due, also while a length byte waits for its \
             body: not running (polled) at {missed:?}; recorded {:?}",
            report.beats
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_frame_one_byte_at_a_time_slower_than_the_heartbeat() {
        let body: Vec<u8> = (0..30).collect();
        let mut plan = vec![(0u64, vec![30u8])];
        plan.extend(
            body.iter()
                .enumerate()
                .map(|(i, b)| (3 * (i as u64 + 1), vec![*b])),
        );
        let report = match read_all(plan, 101, 2).await {
            Ok(r) => r,
            Err(e) => panic!(
                "a frame sent a byte every 3 ms with a heartbeat every 2 ms failed with `{e}`: \
                 cancel safety"
            ),
        };
        assert_eq!(
            report.frames,
            vec![body],
            "one frame, a byte every 3 ms, heartbeats every 2 ms: the frame arrives whole"
        );
        assert_eq!(
            report.beats.len(),
            50,
            "a heartbeat every 2 ms until the end at 101 ms: 50 heartbeats (at 2..=100 ms)"
        );
    }
}

mod e04_bounded {
    use super::*;
    use lesson_09::e04_bounded::*;
    use shared::testing::{assert_about, finishes};
    use shared::{Harness, Probe};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::time::{Instant, sleep};

    /// When each job would finish with `limit` slots, refilled at once, in the given order.
    fn simulate(durations: &[u64], limit: usize) -> Vec<u64> {
        let mut slots = vec![0u64; limit];
        durations
            .iter()
            .map(|d| {
                let (i, free_at) = slots
                    .iter()
                    .copied()
                    .enumerate()
                    .min_by_key(|&(i, t)| (t, i))
                    .unwrap_or((0, 0));
                slots[i] = free_at + d;
                slots[i]
            })
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn random_loads_match_a_simulation() {
        let mut dice = Dice(0x0bad_5eed_1234_4321);
        for round in 0..30 {
            let n = 1 + dice.roll(15) as usize;
            let limit = 1 + dice.roll(5) as usize;
            let durations: Vec<u64> = (0..n).map(|_| 1 + dice.roll(40)).collect();
            let ends = simulate(&durations, limit);
            let (live, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
            let t0 = Instant::now();
            let jobs: Vec<_> = durations
                .iter()
                .enumerate()
                .map(|(id, &d)| {
                    let (live, most) = (live.clone(), most.clone());
                    async move {
                        let now = live.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        sleep(ms(d)).await;
                        live.fetch_sub(1, Ordering::SeqCst);
                        (id, t0.elapsed())
                    }
                })
                .collect();
            let run = Harness::new()
                .named("run_bounded")
                .run(run_bounded(jobs, limit));
            let out = finishes("run_bounded", run).await.output;
            assert!(
                most.load(Ordering::SeqCst) <= limit,
                "round {round}: limit {limit}, but {} jobs ran at once",
                most.load(Ordering::SeqCst)
            );
            assert_eq!(out.len(), n, "round {round}: one result per job");
            for (id, at) in &out {
                assert_virtual_end(round, *id, *at, ends[*id], limit, &durations);
            }
            assert!(
                out.windows(2).all(|w| w[0].1 <= w[1].1),
                "round {round}: results in completion order; got (job, end) {out:?}"
            );
        }
    }

    fn assert_virtual_end(round: u32, id: usize, at: Duration, end: u64, limit: usize, d: &[u64]) {
        let ok = at >= ms(end) && at <= ms(end) + ms(3);
        assert!(
            ok,
            "round {round}: jobs {d:?} ms with limit {limit}, each started in order the moment a \
             slot frees up: job {id} should end at {end} ms, it ended at {at:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_limit_above_the_job_count_starts_all_at_once() {
        let t0 = Instant::now();
        let jobs: Vec<_> = (0..5u64)
            .map(|i| async move {
                sleep(ms(50 - 10 * i)).await;
                i
            })
            .collect();
        let run = Harness::new()
            .named("run_bounded")
            .run(run_bounded(jobs, 100));
        let out = finishes("run_bounded(5 jobs, 100)", run).await.output;
        assert_eq!(
            out,
            vec![4, 3, 2, 1, 0],
            "completion order: the shortest job first"
        );
        assert_about(
            "all five at once: as long as the longest",
            t0.elapsed(),
            ms(50),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn no_jobs_is_an_empty_answer() {
        let jobs: Vec<std::future::Ready<u8>> = Vec::new();
        let run = Harness::new()
            .named("run_bounded")
            .run(run_bounded(jobs, 3));
        let out = finishes("run_bounded(no jobs)", run).await.output;
        assert!(out.is_empty(), "no jobs: an empty Vec, at once");
    }

    #[tokio::test(start_paused = true)]
    async fn many_jobs_few_polls() {
        let (jobs, handles): (Vec<_>, Vec<_>) = (0..200u64)
            .map(|i| {
                Probe::new(&format!("job {i}"), async move {
                    sleep(ms(1 + i % 37)).await;
                    i
                })
            })
            .unzip();
        let run = Harness::new()
            .named("run_bounded")
            .run(run_bounded(jobs, 50));
        let done = finishes("run_bounded(200 jobs, 50)", run).await;
        assert_eq!(done.output.len(), 200, "200 results");
        let total: u64 = handles.iter().map(|h| h.polls()).sum();
        assert!(
            total <= 3 * 200,
            "per-child wakers: 200 jobs that each sleep once need about 400 polls in all; they \
             got {total}. Only the job whose waker fired should be polled again"
        );
    }
}

mod e05_first_ok {
    use super::*;
    use lesson_09::e05_first_ok::*;
    use shared::testing::{assert_about, finishes, poll_with};
    use shared::wakers::noop_waker;
    use shared::{Harness, Probe};
    use std::future::pending;
    use tokio::time::{Instant, sleep};

    #[tokio::test(start_paused = true)]
    async fn the_first_poll_starts_every_replica() {
        let (replicas, handles): (Vec<_>, Vec<_>) = (0..5)
            .map(|i| Probe::new(&format!("replica {i}"), pending::<Result<u8, u8>>()))
            .unzip();
        let mut race = Box::pin(first_ok(replicas));
        assert!(
            poll_with(&mut race, &noop_waker()).is_pending(),
            "five replicas that never answer: Pending"
        );
        let polls: Vec<u64> = handles.iter().map(|h| h.polls()).collect();
        assert!(
            polls.iter().all(|&p| p == 1),
            "a race, not a failover: the first poll starts every replica once; polls {polls:?}"
        );
        drop(race);
        assert!(
            handles.iter().all(|h| h.is_dropped()),
            "dropping first_ok drops every replica"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn no_replicas_is_an_empty_error() {
        let none: Vec<std::future::Ready<Result<u8, u8>>> = Vec::new();
        let run = Harness::new().named("first_ok").run(first_ok(none));
        let out = finishes("first_ok of no replicas", run).await.output;
        assert_eq!(out, Err(vec![]), "no replicas: Err(vec![]) at once");
    }

    #[tokio::test(start_paused = true)]
    async fn every_order_of_failure_keeps_errors_in_place() {
        // All 24 orders in which four replicas can fail, one after another 5 ms apart.
        let mut orders = Vec::new();
        for a in 0..4u64 {
            for b in (0..4).filter(|&b| b != a) {
                for c in (0..4).filter(|&c| c != a && c != b) {
                    orders.push([a, b, c, 6 - a - b - c]);
                }
            }
        }
        for rank in orders {
            let replicas: Vec<_> = (0..4usize)
                .map(|i| {
                    let at = 5 * (rank[i] + 1);
                    async move {
                        sleep(ms(at)).await;
                        Err::<u8, usize>(i)
                    }
                })
                .collect();
            let run = Harness::new().named("first_ok").run(first_ok(replicas));
            let out = finishes("first_ok of four failing replicas", run)
                .await
                .output;
            assert_eq!(
                out,
                Err(vec![0, 1, 2, 3]),
                "four replicas failing in the order of ranks {rank:?} (replica i fails \
                 rank[i]-th): errors[i] must be replica i's error whatever the order of failure"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn random_races() {
        let mut dice = Dice(0x5eed_0ff1_c357_0001);
        for round in 0..40 {
            let n = 1 + dice.roll(6) as usize;
            let times: Vec<u64> = (0..n).map(|_| 1 + dice.roll(60)).collect();
            let good: Vec<bool> = (0..n).map(|_| dice.roll(3) == 0).collect();
            let (replicas, handles): (Vec<_>, Vec<_>) = (0..n)
                .map(|i| {
                    let (t, ok) = (times[i], good[i]);
                    Probe::new(&format!("replica {i}"), async move {
                        sleep(ms(t)).await;
                        if ok { Ok(t) } else { Err(i) }
                    })
                })
                .unzip();
            let t0 = Instant::now();
            let mut race = Box::pin(first_ok(replicas));
            let run = Harness::new()
                .named("first_ok")
                .run(std::future::poll_fn(|cx| race.as_mut().poll(cx)));
            let out = finishes("first_ok", run).await.output;
            let fastest_ok = (0..n).filter(|&i| good[i]).map(|i| times[i]).min();
            match fastest_ok {
                Some(t) => {
                    assert_eq!(
                        out,
                        Ok(t),
                        "round {round}: replicas {times:?} ms, good {good:?}: the first Ok wins"
                    );
                    assert_about(&format!("round {round}: the first Ok"), t0.elapsed(), ms(t));
                    let unfinished_kept = (0..n)
                        .filter(|&i| times[i] > t && !handles[i].is_dropped())
                        .count();
                    assert!(
                        unfinished_kept == 0,
                        "round {round}: {unfinished_kept} slower replicas were not dropped when \
                         the winner was returned (cancellation)"
                    );
                }
                None => {
                    assert_eq!(
                        out,
                        Err((0..n).collect::<Vec<_>>()),
                        "round {round}: every replica failed: all errors, in the replicas' order"
                    );
                    let last = *times.iter().max().unwrap_or(&0);
                    assert_about(
                        &format!("round {round}: the last failure"),
                        t0.elapsed(),
                        ms(last),
                    );
                }
            }
            drop(race);
        }
    }
}

mod e06_hedged {
    use super::*;
    use lesson_09::e06_hedged::*;
    use shared::testing::{assert_about, finishes};
    use shared::{Harness, Probe, ProbeHandle};
    use std::sync::{Arc, Mutex};
    use tokio::time::{Instant, sleep};

    type Calls = Arc<Mutex<Vec<(u32, Duration, ProbeHandle)>>>;

    async fn run(
        times: [Option<u64>; 2],
        after: u64,
    ) -> (u32, Duration, Vec<(u32, u128, bool, u64)>) {
        let calls: Calls = Arc::default();
        let log = calls.clone();
        let t0 = Instant::now();
        let attempt = move |n: u32| {
            let t = times.get(n as usize - 1).copied().flatten();
            let (probe, handle) = Probe::new(&format!("attempt {n}"), async move {
                match t {
                    Some(t) => sleep(ms(t)).await,
                    None => std::future::pending::<()>().await,
                }
                n
            });
            log.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((n, t0.elapsed(), handle));
            probe
        };
        let mut race = Box::pin(hedged(attempt, ms(after)));
        let done = Harness::new()
            .named("hedged")
            .run(std::future::poll_fn(|cx| race.as_mut().poll(cx)));
        let out = finishes("hedged", done).await.output;
        let took = t0.elapsed();
        let seen = calls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(n, at, h)| (*n, at.as_millis(), h.is_dropped(), h.polls()))
            .collect();
        drop(race);
        (out, took, seen)
    }

    #[tokio::test(start_paused = true)]
    async fn a_first_attempt_that_never_answers_is_rescued() {
        let (out, took, seen) = run([None, Some(10)], 30).await;
        assert_eq!(out, 2, "attempt 1 never answers: attempt 2's answer");
        assert_about(
            "attempt 2 made at 30 ms, answering 10 ms later",
            took,
            ms(40),
        );
        assert!(
            seen.len() == 2 && seen[0].2,
            "attempt 1 lost: it must be dropped when hedged returns (calls: {seen:?})"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn ties_after_the_hedge_always_go_to_attempt_one() {
        let mut dice = Dice(0x7135_0fa7_7e00_0001);
        for round in 0..32 {
            let after = 5 + dice.roll(30);
            let d2 = 1 + dice.roll(30);
            let (out, took, seen) = run([Some(after + d2), Some(d2)], after).await;
            assert!(
                out == 1 && seen.len() == 2,
                "round {round}: attempt 1 ({} ms) and the hedge made at {after} ms ({d2} ms) \
                 answer at the same instant: a tie goes to attempt 1, every time (calls {seen:?})",
                after + d2
            );
            assert_about(&format!("round {round}: the tie"), took, ms(after + d2));
            assert!(
                seen[1].2,
                "round {round}: attempt 2 lost the tie and must be dropped when hedged returns"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn random_hedges() {
        let mut dice = Dice(0xfeed_face_0bad_f00d);
        for round in 0..40 {
            let after = 5 + dice.roll(40);
            let d1 = 1 + dice.roll(120);
            let d2 = 1 + dice.roll(120);
            if d1 == after || d1 == after + d2 {
                continue; // ties are tested on their own
            }
            let (out, took, seen) = run([Some(d1), Some(d2)], after).await;
            if d1 < after {
                assert!(
                    out == 1 && seen.len() == 1,
                    "round {round}: attempt 1 ({d1} ms) beats the {after} ms threshold: its \
                     answer, no second attempt (calls {seen:?})"
                );
                assert_about(&format!("round {round}: attempt 1"), took, ms(d1));
            } else {
                let (winner, end) = if d1 < after + d2 {
                    (1, d1)
                } else {
                    (2, after + d2)
                };
                assert_eq!(
                    out, winner,
                    "round {round}: attempt 1 {d1} ms, hedge at {after} ms taking {d2} ms: the \
                     first to finish wins, and attempt 1 keeps running after the hedge starts"
                );
                assert_about(&format!("round {round}: the winner"), took, ms(end));
                assert!(
                    seen.len() == 2 && seen[1].1 == u128::from(after),
                    "round {round}: attempt 2 made exactly at the {after} ms threshold; calls \
                     (attempt, ms, dropped, polls) {seen:?}"
                );
                let loser = &seen[2 - winner as usize];
                assert!(
                    loser.2,
                    "round {round}: the losing attempt must be dropped when hedged returns \
                     ({seen:?})"
                );
                assert!(
                    seen[0].3 <= 4,
                    "round {round}: attempt 1 is polled again only when woken ({} polls)",
                    seen[0].3
                );
            }
        }
    }
}
