//! Hidden tests for lesson 09 (grading only; not in the student edition).
//!
//! The same promises as the visible tests, from other angles: the very first poll, errors that are
//! ready at once, many random timings in one run, frames split at every byte.

use std::time::Duration;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

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
            let first_err = (0..3)
                .filter(|&i| fails[i])
                .min_by_key(|&i| (times[i], i));
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
