//! Hidden tests for lesson 05 (grading only; not in the student edition).
//!
//! The same promises as the visible tests, from other angles: other delays and budgets, slow
//! operations, gaps before the first poll, thousands of requests, stress loops for the races.

use std::time::Duration;

const CLOCKS: &str = "(use tokio's clock, tokio::time::{sleep, sleep_until, Instant}: under paused time \
                      std::time::Instant and std::thread::sleep do not see virtual time)";

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

mod e01_backoff {
    use super::*;
    use lesson_05::e01_backoff::*;
    use shared::testing::{assert_about, finishes};
    use std::cell::RefCell;
    use std::rc::Rc;
    use tokio::time::{Instant, sleep};

    #[tokio::test(start_paused = true)]
    async fn slow_attempts_wait_after_each_failure() {
        // Each attempt takes 50 ms; the waits are counted from the failure, not from the start.
        let t0 = Instant::now();
        let starts = Rc::new(RefCell::new(Vec::new()));
        let log = starts.clone();
        let policy = Backoff {
            first_delay: ms(100),
            max_delay: ms(250),
            budget: ms(1000),
        };
        let out = finishes(
            "retry",
            retry(policy, move |n| {
                let log = log.clone();
                async move {
                    let at = t0.elapsed();
                    assert!(
                        at < ms(1000),
                        "attempt {n} started at {at:?}, after the 1 s deadline {CLOCKS}"
                    );
                    log.borrow_mut().push(at);
                    sleep(ms(50)).await;
                    Err::<(), _>(format!("failure {n}"))
                }
            }),
        )
        .await;
        assert_eq!(
            *starts.borrow(),
            [ms(0), ms(150), ms(400), ms(700)],
            "50 ms attempts with waits of 100, 200, 250 (cap) after each failure {CLOCKS}"
        );
        assert_eq!(
            out,
            Err(GaveUp {
                attempts: 4,
                last_error: "failure 4".to_string()
            }),
            "the 4th attempt fails at 750 ms; the next would start at 1000 ms, the deadline itself: \
             give up (an attempt must start before the deadline)"
        );
        assert_about("giving up after attempt 4", t0.elapsed(), ms(750));
    }

    #[tokio::test(start_paused = true)]
    async fn success_on_the_first_attempt_never_sleeps() {
        let t0 = Instant::now();
        let policy = Backoff {
            first_delay: ms(500),
            max_delay: ms(500),
            budget: ms(100),
        };
        let out = finishes("retry", retry(policy, |_| async { Ok::<_, ()>("first try") })).await;
        assert_eq!(out, Ok("first try"), "a first success is returned as is");
        assert_eq!(t0.elapsed(), Duration::ZERO, "a first success takes no time");
    }

    #[tokio::test(start_paused = true)]
    async fn a_budget_smaller_than_the_first_delay_means_one_attempt() {
        let t0 = Instant::now();
        let calls = Rc::new(RefCell::new(0));
        let c = calls.clone();
        let policy = Backoff {
            first_delay: ms(500),
            max_delay: ms(500),
            budget: ms(100),
        };
        let fut = retry(policy, move |_| {
            *c.borrow_mut() += 1;
            async { Err::<(), _>("down") }
        });
        // A gap before the first poll: the budget has not started yet.
        sleep(ms(300)).await;
        let out = finishes("retry", fut).await;
        assert_eq!(
            (out, *calls.borrow()),
            (
                Err(GaveUp {
                    attempts: 1,
                    last_error: "down"
                }),
                1
            ),
            "the first attempt always runs (the budget starts at the first poll); a 500 ms wait \
             does not fit in 100 ms, so retry gives up after it"
        );
        assert_about("one failed attempt, no wait", t0.elapsed(), ms(300));
    }

    #[tokio::test(start_paused = true)]
    async fn many_attempts_neither_overflow_nor_pass_the_cap() {
        let t0 = Instant::now();
        let last = Rc::new(RefCell::new(t0));
        let gaps = Rc::new(RefCell::new(Vec::new()));
        let (l, g) = (last.clone(), gaps.clone());
        let policy = Backoff {
            first_delay: ms(1),
            max_delay: ms(10),
            budget: Duration::from_secs(3600),
        };
        let out = finishes(
            "retry",
            retry(policy, move |n| {
                let now = Instant::now();
                if n > 1 {
                    g.borrow_mut().push(now - *l.borrow());
                }
                *l.borrow_mut() = now;
                async move { if n == 100 { Ok(n) } else { Err(n) } }
            }),
        )
        .await;
        assert_eq!(out, Ok(100), "attempt 100 succeeds");
        let gaps = gaps.borrow();
        let expected: Vec<Duration> = (1..100u32)
            .map(|n| ms(1u64 << (n - 1).min(4)).min(ms(10)))
            .collect();
        assert_eq!(
            *gaps, expected,
            "waits 1, 2, 4, 8, then 10 ms (the cap) for all 99 retries {CLOCKS}"
        );
    }

    #[test]
    fn delay_after_is_exact_for_odd_durations() {
        let p = Backoff {
            first_delay: Duration::from_micros(1500),
            max_delay: ms(20),
            budget: ms(1),
        };
        let got: Vec<Duration> = [1, 2, 3, 4, 5, 1000].iter().map(|&n| p.delay_after(n)).collect();
        let want: Vec<Duration> = [1500, 3000, 6000, 12000, 20000, 20000]
            .iter()
            .map(|&us| Duration::from_micros(us))
            .collect();
        assert_eq!(
            got, want,
            "delay_after(n) = first_delay * 2^(n-1) capped at max_delay (1.5 ms first, 20 ms cap)"
        );
    }
}
