//! Hidden tests for lesson 05 (grading only; not in the student edition).
//!
//! The same promises as the visible tests, from other angles: other delays and budgets, slow
//! operations, gaps before the first poll, thousands of requests, stress loops for the races.

use std::time::Duration;

const CLOCKS: &str = "(use tokio's clock, tokio::time::{sleep, sleep_until, Instant}: under paused time \
                      std::time::Instant and std::thread::sleep do not see virtual time)";

use shared::testing::{ms, quiet_panic};

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
        let out = finishes(
            "retry",
            retry(policy, |_| async { Ok::<_, ()>("first try") }),
        )
        .await;
        assert_eq!(out, Ok("first try"), "a first success is returned as is");
        assert_eq!(
            t0.elapsed(),
            Duration::ZERO,
            "a first success takes no time"
        );
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
        let got = quiet_panic(|| {
            [1, 2, 3, 4, 5, 1000]
                .iter()
                .map(|&n| p.delay_after(n))
                .collect::<Vec<Duration>>()
        })
        .expect("delay_after must not panic, even for attempt 1000: stop doubling at the cap");
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
                in_tx
                    .send(i)
                    .await
                    .expect("debounce dropped its input early");
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
                in_tx
                    .send(i)
                    .await
                    .expect("debounce dropped its input early");
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
        let want: Vec<(u32, Duration)> =
            (0..5u32).map(|i| (i, ms(41 * u64::from(i) + 40))).collect();
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
        in_tx
            .send(1)
            .await
            .expect("debounce dropped its input early");
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
            in_tx
                .send(7u32)
                .await
                .expect("debounce dropped its input early");
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
        let debouncer = async {
            debounce(in_rx, ms(20), out_tx).await;
            t0.elapsed()
        };
        let ((), seen, returned) = finishes("debounce", async {
            tokio::join!(producer, consumer, debouncer)
        })
        .await;
        assert_eq!(
            seen,
            [(7, ms(20))],
            "one value, sent after its quiet period {CLOCKS}"
        );
        assert_eq!(
            returned,
            ms(100),
            "the input closed at 100 ms with nothing waiting: debounce returns then, sending nothing"
        );
    }
}

mod e03_rate_limiter {
    use super::*;
    use lesson_05::e03_rate_limiter::*;
    use shared::testing::{finishes_within, within};
    use std::sync::{Arc, Mutex};
    use tokio::time::{Instant, sleep, timeout};

    type Log = Arc<Mutex<Vec<(&'static str, Duration)>>>;

    fn caller(
        limiter: &Arc<RateLimiter>,
        log: &Log,
        t0: Instant,
        name: &'static str,
        arrives: u64,
    ) -> tokio::task::JoinHandle<()> {
        let (limiter, log) = (limiter.clone(), log.clone());
        tokio::spawn(async move {
            sleep(ms(arrives)).await;
            limiter.acquire().await;
            log.lock().unwrap().push((name, t0.elapsed()));
        })
    }

    async fn join_all(tasks: Vec<tokio::task::JoinHandle<()>>) {
        finishes_within("the callers", Duration::from_secs(10), async {
            for task in tasks {
                task.await.expect("a task calling acquire panicked");
            }
        })
        .await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_acquire_takes_no_token_and_lets_the_next_move_up() {
        let t0 = Instant::now();
        let limiter = Arc::new(RateLimiter::new(ms(10), 1));
        let log: Log = Arc::default();
        limiter.acquire().await;
        let impatient = {
            let limiter = limiter.clone();
            tokio::spawn(async move { timeout(ms(5), limiter.acquire()).await.is_ok() })
        };
        let patient = caller(&limiter, &log, t0, "patient", 0);
        let got_in = finishes_within("the impatient caller", Duration::from_secs(10), impatient)
            .await
            .expect("the impatient task panicked");
        assert!(
            !got_in,
            "no token exists before 10 ms, so a 5 ms timeout must expire"
        );
        join_all(vec![patient]).await;
        assert_eq!(
            *log.lock().unwrap(),
            [("patient", ms(10))],
            "an acquire dropped while waiting takes no token and holds nobody up: the next caller \
             gets the 10 ms token {CLOCKS}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn two_waves_each_start_with_a_full_bucket() {
        let t0 = Instant::now();
        let limiter = Arc::new(RateLimiter::new(ms(7), 3));
        let log: Log = Arc::default();
        let mut tasks = Vec::new();
        for _ in 0..10 {
            tasks.push(caller(&limiter, &log, t0, "first wave", 0));
        }
        for _ in 0..10 {
            tasks.push(caller(&limiter, &log, t0, "second wave", 500));
        }
        join_all(tasks).await;
        let wave = |start: u64| (0..10u64).map(move |k| ms(start + 7 * k.saturating_sub(2)));
        let want: Vec<Duration> = wave(0).chain(wave(500)).collect();
        let got: Vec<Duration> = log.lock().unwrap().iter().map(|&(_, at)| at).collect();
        assert_eq!(
            got, want,
            "burst 3, a token per 7 ms: each wave gets 3 at once, then one per 7 ms; the bucket \
             refills to 3 (no more) in the quiet between the waves {CLOCKS}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn time_spent_full_is_not_saved_up() {
        let t0 = Instant::now();
        let limiter = Arc::new(RateLimiter::new(ms(10), 3));
        sleep(ms(25)).await;
        let mut times = Vec::new();
        finishes_within("5 acquires", Duration::from_secs(10), async {
            for _ in 0..5 {
                limiter.acquire().await;
                times.push(t0.elapsed());
            }
        })
        .await;
        assert_eq!(
            times,
            [ms(25), ms(25), ms(25), ms(35), ms(45)],
            "the bucket was full from 0 to 25 ms, and a full bucket earns nothing: 3 go at 25 ms, \
             the next token comes 10 ms after the bucket stopped being full (35 ms), not at 30 ms"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn newcomers_queue_behind_waiters_at_every_token() {
        let t0 = Instant::now();
        let limiter = Arc::new(RateLimiter::new(ms(100), 2));
        let log: Log = Arc::default();
        // Newcomers start their clocks first and arrive exactly when tokens appear.
        let mut tasks = vec![
            caller(&limiter, &log, t0, "new at 100", 100),
            caller(&limiter, &log, t0, "new at 200", 200),
        ];
        for name in ["w1", "w2", "w3", "w4"] {
            tasks.push(caller(&limiter, &log, t0, name, 0));
        }
        join_all(tasks).await;
        assert_eq!(
            *log.lock().unwrap(),
            [
                ("w1", ms(0)),
                ("w2", ms(0)),
                ("w3", ms(100)),
                ("w4", ms(200)),
                ("new at 100", ms(300)),
                ("new at 200", ms(400)),
            ],
            "first come, first served: w3 and w4 have waited since 0 ms, so the tokens of 100 and \
             200 ms are theirs, and the newcomers queue behind them in their arrival order"
        );
    }

    #[test]
    fn on_a_multi_threaded_runtime_nobody_is_admitted_early_and_waiting_is_cheap() {
        use shared::cpu::Usage;
        use std::cell::Cell;
        thread_local! {
            static STARTED: Cell<Usage> = Cell::new(Usage::default());
        }
        let (elapsed, cpu) = within(
            Duration::from_secs(20),
            "30 acquires at one per 2 ms on a 2-thread runtime never finished (a lost wake, or a \
             deadlock in acquire?)",
            || {
                // CPU time of the runtime's own threads only, so other tests running beside
                // this one (or a busy machine) do not count.
                let spent = Arc::new(Mutex::new(Duration::ZERO));
                let on_stop = spent.clone();
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .on_thread_start(|| STARTED.with(|s| s.set(Usage::this_thread())))
                    .on_thread_stop(move || {
                        let used = Usage::this_thread().since(&STARTED.with(Cell::get));
                        *on_stop.lock().unwrap() += used.cpu;
                    })
                    .build()
                    .expect("building a runtime");
                let elapsed = rt.block_on(async {
                    let limiter = Arc::new(RateLimiter::new(ms(2), 1));
                    let start = Instant::now();
                    let tasks: Vec<_> = (0..30)
                        .map(|_| {
                            let limiter = limiter.clone();
                            tokio::spawn(async move { limiter.acquire().await })
                        })
                        .collect();
                    for task in tasks {
                        task.await.expect("a task calling acquire panicked");
                    }
                    start.elapsed()
                });
                drop(rt); // stops the worker threads, which adds up their CPU time
                let cpu = *spent.lock().unwrap();
                (elapsed, cpu)
            },
        );
        assert!(
            elapsed >= ms(58),
            "30 callers at one token per 2 ms (burst 1) need at least 58 ms of real time, they all \
             got in after {elapsed:?}: tokens are handed out too fast when tasks run on several \
             threads at once"
        );
        assert!(
            cpu <= elapsed / 5,
            "the runtime's threads used {cpu:?} of CPU in {elapsed:?} while 29 callers waited for \
             tokens: waiting must sleep on the timer (and the lock), not spin or yield in a loop"
        );
    }
}

mod e04_timeout {
    use super::*;
    use lesson_05::e04_timeout::*;
    use shared::testing::finishes;
    use shared::{Harness, Probe};
    use std::future::{Future, pending, poll_fn, ready};
    use tokio::sync::oneshot;
    use tokio::time::{Instant, sleep};

    #[tokio::test(start_paused = true)]
    async fn a_zero_limit_still_polls_the_work_once() {
        let out = finishes("timeout(0, ready)", timeout(Duration::ZERO, ready(3))).await;
        assert_eq!(
            out,
            Ok(3),
            "a ready value wins even a zero limit: the work is polled first"
        );
        let t0 = Instant::now();
        let (inner, handle) = Probe::new("the inner future", pending::<u8>());
        let mut fut = Box::pin(timeout(Duration::ZERO, inner));
        let out = finishes(
            "timeout(0, never ready)",
            poll_fn(|cx| fut.as_mut().poll(cx)),
        )
        .await;
        assert_eq!(
            out,
            Err(TimedOut {
                after: Duration::ZERO
            })
        );
        assert!(t0.elapsed() <= ms(1), "a zero limit times out at once");
        assert!(
            handle.is_dropped(),
            "cancellation: the inner future is dropped when the error is returned"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn cancellation_closes_what_the_work_held() {
        // The work holds the sending half of a reply channel; cancelling it must close the
        // channel at the deadline, so that whoever waits for the reply learns at once.
        let (reply, mut waiting) = oneshot::channel::<&str>();
        let work = async move {
            sleep(ms(1000)).await;
            let _ = reply.send("too late");
        };
        let t0 = Instant::now();
        let mut fut = Box::pin(timeout(ms(80), work));
        let run = Harness::new()
            .named("timeout(80 ms, a 1 s job)")
            .run(poll_fn(|cx| fut.as_mut().poll(cx)))
            .await;
        assert_eq!(run.output, Err(TimedOut { after: ms(80) }));
        assert_eq!(
            t0.elapsed(),
            ms(80),
            "the 80 ms limit ends at 80 ms {CLOCKS}"
        );
        assert!(
            matches!(
                waiting.try_recv(),
                Err(oneshot::error::TryRecvError::Closed)
            ),
            "when the timeout answers, the cancelled work must be dropped already: the reply \
             channel it held should be closed, not still open inside a live future"
        );
        drop(fut);
    }

    #[tokio::test(start_paused = true)]
    async fn ties_and_near_misses_across_many_limits() {
        for k in 1..=60u64 {
            let on_time = finishes(
                "a job as long as its limit",
                timeout(ms(k), async move {
                    sleep(ms(k)).await;
                    k
                }),
            )
            .await;
            assert_eq!(
                on_time,
                Ok(k),
                "limit {k} ms, job {k} ms: a tie goes to the work (poll it before the timer)"
            );
            let t0 = Instant::now();
            let late = finishes(
                "a job 1 ms longer than its limit",
                timeout(ms(k), async move {
                    sleep(ms(k + 1)).await;
                    k
                }),
            )
            .await;
            assert_eq!(
                late,
                Err(TimedOut { after: ms(k) }),
                "limit {k} ms, job {} ms",
                k + 1
            );
            assert_eq!(
                t0.elapsed(),
                ms(k),
                "the error comes at the deadline {CLOCKS}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn waiting_costs_no_polls() {
        let run = Harness::new()
            .named("timeout(10 s, a 3 s job)")
            .run(timeout(
                Duration::from_secs(10),
                sleep(Duration::from_secs(3)),
            ))
            .await;
        assert_eq!(run.output, Ok(()));
        assert!(
            run.polls <= 3,
            "the timeout was polled {} times while its job slept 3 s: it should be polled once to \
             start and once when a timer fires, not keep waking itself to look at the clock",
            run.polls
        );
    }

    #[tokio::test(start_paused = true)]
    async fn timeouts_compose_with_question_mark() {
        async fn fetch() -> Result<u32, Box<dyn std::error::Error>> {
            let v = timeout(ms(10), pending::<u32>()).await?;
            Ok(v)
        }
        let err = finishes("fetch", fetch())
            .await
            .expect_err("the timeout must fire");
        assert_eq!(
            err.to_string(),
            "timed out after 10ms",
            "TimedOut is an Error with the Display `timed out after {{after:?}}`"
        );
    }
}

mod e05_ticker {
    use super::*;
    use lesson_05::e05_ticker::*;
    use shared::Harness;
    use tokio::time::{Instant, MissedTickBehavior, interval, sleep};

    const JOBS: [u64; 14] = [0, 120, 350, 10, 260, 0, 0, 90, 410, 0, 30, 200, 0, 0];

    fn to_ms(d: Duration) -> u64 {
        u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
    }

    #[tokio::test(start_paused = true)]
    async fn agrees_with_tokio_interval_under_each_behaviour() {
        for (missed, behaviour) in [
            (Missed::Burst, MissedTickBehavior::Burst),
            (Missed::Delay, MissedTickBehavior::Delay),
            (Missed::Skip, MissedTickBehavior::Skip),
        ] {
            let t0 = Instant::now();
            let mut ours = Ticker::new(ms(100), missed);
            let mut tokios = interval(ms(100));
            tokios.set_missed_tick_behavior(behaviour);
            let run = Harness::new()
                .named(format!("Ticker({missed:?}) beside tokio's Interval"))
                .run(async {
                    let mut seen = Vec::new();
                    for job in JOBS {
                        let a = ours.tick().await;
                        let fired_a = t0.elapsed();
                        let b = tokios.tick().await;
                        seen.push(((to_ms(a - t0), to_ms(fired_a)), to_ms(b - t0)));
                        sleep(ms(job)).await;
                    }
                    seen
                })
                .await;
            for (k, &((ours_at, fired), tokio_at)) in run.output.iter().enumerate() {
                assert_eq!(
                    ours_at, tokio_at,
                    "{missed:?}, tick #{k} (fired at {fired} ms): Ticker said it was scheduled \
                     for {ours_at} ms, tokio's Interval with MissedTickBehavior::{missed:?} says \
                     {tokio_at} ms {CLOCKS}"
                );
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_stall_under_burst_gives_every_missed_tick() {
        let t0 = Instant::now();
        let mut ticker = Ticker::new(ms(10), Missed::Burst);
        let run = Harness::new()
            .named("Ticker(Burst) after a 1 s stall")
            .run(async {
                sleep(ms(1000)).await;
                let mut at = Vec::new();
                for _ in 0..102 {
                    at.push(to_ms(ticker.tick().await - t0));
                }
                (at, t0.elapsed())
            })
            .await;
        let (scheduled, end) = run.output;
        let want: Vec<u64> = (0..102).map(|k| 10 * k).collect();
        assert_eq!(
            scheduled, want,
            "under Burst a 1 s stall leaves 101 ticks due (0 to 1000 ms): all fire, each with its \
             own scheduled instant, and the next one (1010 ms) waits for its time"
        );
        assert_eq!(
            to_ms(end),
            1010,
            "the first tick after catching up is on time, at 1010 ms"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn skip_after_exactly_two_missed_periods() {
        let t0 = Instant::now();
        let mut ticker = Ticker::new(ms(100), Missed::Skip);
        let run = Harness::new()
            .named("Ticker(Skip)")
            .run(async {
                let mut at = vec![to_ms(ticker.tick().await - t0)];
                at.push(to_ms(ticker.tick().await - t0));
                sleep(ms(200)).await; // now 300 ms, the tick due at 200 is late by exactly 100
                at.push(to_ms(ticker.tick().await - t0));
                at.push(to_ms(ticker.tick().await - t0));
                (at, to_ms(t0.elapsed()))
            })
            .await;
        assert_eq!(
            run.output,
            (vec![0, 100, 200, 400], 400),
            "Skip: the tick due at 200 ms fires at 300 ms, which is itself a grid point, but it \
             has passed: the next tick is the next grid point after now, 400 ms"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn waiting_for_a_tick_costs_one_sleep() {
        let mut ticker = Ticker::new(Duration::from_secs(60), Missed::Delay);
        let run = Harness::new()
            .named("Ticker, 5 ticks a minute apart")
            .run(async {
                for _ in 0..5 {
                    ticker.tick().await;
                }
            })
            .await;
        assert!(
            run.polls <= 10,
            "5 ticks a minute apart took {} polls: waiting for a tick is one sleep_until (a \
             timer), not a loop that keeps looking at the clock",
            run.polls
        );
    }
}

mod e06_deadline {
    use super::*;
    use lesson_05::e06_deadline::*;
    use shared::testing::finishes;
    use shared::{Probe, ProbeHandle};
    use std::cell::RefCell;
    use std::rc::Rc;
    use tokio::time::{Instant, sleep};

    fn step(name: &'static str, took: u64) -> (Step<u64>, ProbeHandle) {
        let (work, handle) = Probe::new(
            name,
            Box::pin(async move {
                sleep(ms(took)).await;
                took
            }),
        );
        (Step::new(name, work), handle)
    }

    #[tokio::test(start_paused = true)]
    async fn each_step_starts_when_the_one_before_has_finished() {
        let t0 = Instant::now();
        let starts = Rc::new(RefCell::new(Vec::new()));
        let steps: Vec<Step<()>> = [("a", 20), ("b", 30), ("c", 5)]
            .into_iter()
            .map(|(name, took)| {
                let starts = starts.clone();
                Step::new(name, async move {
                    starts.borrow_mut().push((name, t0.elapsed()));
                    sleep(ms(took)).await;
                })
            })
            .collect();
        let out = finishes("run_steps", run_steps(t0 + ms(1000), steps)).await;
        assert!(out.is_ok(), "55 ms of steps fit in 1 s");
        assert_eq!(
            *starts.borrow(),
            [("a", ms(0)), ("b", ms(20)), ("c", ms(50))],
            "steps run one after another: each is first polled when the one before has finished \
             {CLOCKS}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_chain_is_cut_at_the_deadline() {
        let t0 = Instant::now();
        const NAMES: [&str; 50] = [
            "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13",
            "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25",
            "s26", "s27", "s28", "s29", "s30", "s31", "s32", "s33", "s34", "s35", "s36", "s37",
            "s38", "s39", "s40", "s41", "s42", "s43", "s44", "s45", "s46", "s47", "s48", "s49",
        ];
        let mut handles = Vec::new();
        let steps: Vec<Step<u64>> = NAMES
            .iter()
            .map(|&name| {
                let (s, h) = step(name, 3);
                handles.push(h);
                s
            })
            .collect();
        let out = finishes("run_steps", run_steps(t0 + ms(100), steps)).await;
        assert_eq!(
            out,
            Err(Expired {
                step: "s33",
                completed: 33
            }),
            "50 steps of 3 ms, one 100 ms deadline: 33 finish by 99 ms, s33 is cut at 100 ms"
        );
        assert_eq!(t0.elapsed(), ms(100), "cut at the deadline itself {CLOCKS}");
        assert!(
            handles[33].is_dropped(),
            "the step cut at the deadline is dropped"
        );
        let started_late = handles[34..].iter().filter(|h| h.polls() > 0).count();
        assert_eq!(started_late, 0, "no step after the cut one may start");
    }

    #[tokio::test(start_paused = true)]
    async fn a_deadline_already_past_starts_nothing() {
        let t0 = Instant::now();
        sleep(ms(10)).await;
        let (a, first) = step("first", 1);
        let out = finishes("run_steps", run_steps(t0, vec![a])).await;
        assert_eq!(
            out,
            Err(Expired {
                step: "first",
                completed: 0
            }),
            "a deadline that has already passed: the first step is due to start after it"
        );
        assert_eq!(
            first.polls(),
            0,
            "not even one poll of a step after the deadline"
        );
        let none: Vec<Step<u64>> = Vec::new();
        assert_eq!(
            finishes("run_steps", run_steps(t0, none)).await,
            Ok(vec![]),
            "no steps, nothing to run late: Ok(empty)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn steps_ending_exactly_on_the_deadline_count() {
        let t0 = Instant::now();
        let (a, _) = step("a", 90);
        let (b, _) = step("b", 5);
        let (c, _) = step("c", 5);
        let out = finishes("run_steps", run_steps(t0 + ms(100), vec![a, b, c])).await;
        assert_eq!(
            out,
            Ok(vec![90, 5, 5]),
            "90 + 5 + 5 ms end at 100 ms, the deadline itself: a step that finishes at the \
             deadline counts as finished"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn time_left_is_exact_for_any_gap() {
        let deadline = Instant::now() + ms(500);
        for k in 0..=60u64 {
            let expected = ms(500).saturating_sub(ms(10 * k));
            let left = quiet_panic(|| time_left(deadline))
                .expect("time_left panicked: once the deadline has passed it must answer zero");
            assert_eq!(
                left,
                expected,
                "{} ms after the start of a 500 ms budget {CLOCKS}",
                10 * k
            );
            sleep(ms(10)).await;
        }
    }
}
