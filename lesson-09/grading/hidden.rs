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
