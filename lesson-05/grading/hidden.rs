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

mod e02_debounce {
    use super::*;
    use lesson_05::e02_debounce::*;
    use shared::Harness;
    use shared::testing::finishes;
    use tokio::sync::mpsc;
    use tokio::time::{Instant, sleep, sleep_until};

    #[tokio::test(start_paused = true)]
    async fn a_steady_stream_faster_than_quiet_emits_only_when_it_stops() {
        let t0 = Instant::now();
        let (in_tx, in_rx) = mpsc::channel(8);
        let (out_tx, mut out_rx) = mpsc::channel(8);
        let producer = async move {
            for i in 0..100u32 {
                sleep_until(t0 + ms(10 * u64::from(i))).await;
                in_tx.send(i).await.expect("debounce dropped its input early");
            }
            sleep(ms(5000)).await;
        };
        let consumer = async move {
            let mut seen = Vec::new();
            while let Some(v) = out_rx.recv().await {
                seen.push((v, t0.elapsed()));
            }
            seen
        };
        let debouncer = Harness::new()
            .named("debounce")
            .run(debounce(in_rx, ms(25), out_tx));
        let ((), seen, run) = finishes("debounce", async {
            tokio::join!(producer, consumer, debouncer)
        })
        .await;
        assert_eq!(
            seen,
            [(99, ms(1015))],
            "100 values 10 ms apart with a 25 ms quiet period: nothing until the stream stops, \
             then the last value 25 ms after it arrived {CLOCKS}"
        );
        assert!(
            run.polls <= 250,
            "debounce was polled {} times for 100 values: about one poll per value (and per timer \
             firing) is enough",
            run.polls
        );
    }

    #[tokio::test(start_paused = true)]
    async fn values_just_slower_than_quiet_all_come_through() {
        let t0 = Instant::now();
        let (in_tx, in_rx) = mpsc::channel(8);
        let (out_tx, mut out_rx) = mpsc::channel(8);
        let producer = async move {
            for i in 0..5u32 {
                sleep_until(t0 + ms(41 * u64::from(i))).await;
                in_tx.send(i).await.expect("debounce dropped its input early");
            }
            sleep(ms(1000)).await;
        };
        let consumer = async move {
            let mut seen = Vec::new();
            while let Some(v) = out_rx.recv().await {
                seen.push((v, t0.elapsed()));
            }
            seen
        };
        let ((), seen, ()) = finishes("debounce", async {
            tokio::join!(producer, consumer, debounce(in_rx, ms(40), out_tx))
        })
        .await;
        let want: Vec<(u32, Duration)> = (0..5u32).map(|i| (i, ms(41 * u64::from(i) + 40))).collect();
        assert_eq!(
            seen, want,
            "values 41 ms apart with a 40 ms quiet period: each is sent, exactly 40 ms after it \
             arrived {CLOCKS}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn returns_when_the_output_is_closed() {
        let (in_tx, in_rx) = mpsc::channel(8);
        let (out_tx, out_rx) = mpsc::channel::<u8>(8);
        drop(out_rx);
        let t0 = Instant::now();
        let debouncer = tokio::spawn(debounce(in_rx, ms(30), out_tx));
        in_tx.send(1).await.expect("debounce dropped its input early");
        // The input stays open: only the closed output can end debounce.
        let finished = finishes("debounce after its output closed", debouncer).await;
        assert!(
            finished.is_ok(),
            "debounce panicked when its output was closed: a closed output means nobody listens \
             any more, so return quietly"
        );
        assert!(
            t0.elapsed() <= ms(32),
            "debounce should return once it tries to send its value (30 ms) to a closed output, \
             it returned after {:?}",
            t0.elapsed()
        );
        drop(in_tx);
    }

    #[tokio::test(start_paused = true)]
    async fn close_with_nothing_waiting_returns_at_once_without_output() {
        let t0 = Instant::now();
        let (in_tx, in_rx) = mpsc::channel(8);
        let (out_tx, mut out_rx) = mpsc::channel(8);
        let producer = async move {
            in_tx.send(7u32).await.expect("debounce dropped its input early");
            sleep(ms(100)).await;
            drop(in_tx);
        };
        let consumer = async move {
            let mut seen = Vec::new();
            while let Some(v) = out_rx.recv().await {
                seen.push((v, t0.elapsed()));
            }
            seen
        };
        let debouncer = async { debounce(in_rx, ms(20), out_tx).await; t0.elapsed() };
        let ((), seen, returned) = finishes("debounce", async {
            tokio::join!(producer, consumer, debouncer)
        })
        .await;
        assert_eq!(seen, [(7, ms(20))], "one value, sent after its quiet period {CLOCKS}");
        assert_eq!(
            returned,
            ms(100),
            "the input closed at 100 ms with nothing waiting: debounce returns then, sending nothing"
        );
    }
}
