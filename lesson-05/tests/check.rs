//! Visible tests for lesson 05, one module per exercise (`cargo xtask check lesson-05`).
//!
//! Almost everything runs on tokio's paused clock (`#[tokio::test(start_paused = true)]`): time
//! stands still while any task can run and jumps to the next timer when all are idle, so a minute
//! of backoff takes microseconds of real time and every instant can be checked to the timer's
//! 1 ms tick. Each async test runs under `shared::testing::finishes`, so a future that never
//! finishes fails with a sentence instead of hanging.

use std::time::Duration;

/// Said in every timing message: the usual reason for a time of zero or "never".
const CLOCKS: &str = "(use tokio's clock, tokio::time::{sleep, sleep_until, Instant}: under paused time \
                      std::time::Instant and std::thread::sleep do not see virtual time)";

use shared::testing::{ms, quiet_panic};

mod e01_backoff {
    use super::*;
    use lesson_05::e01_backoff::*;
    use shared::Harness;
    use shared::testing::{assert_about, finishes};
    use std::cell::RefCell;
    use std::rc::Rc;
    use tokio::time::{Instant, sleep};

    /// Runs a retry under the harness (so a blocking or busy retry is named as such) and a time
    /// limit (so one that never ends fails instead of hanging).
    async fn guarded<T>(retry: impl std::future::Future<Output = T>) -> T {
        let run = Harness::new().named("retry").run(retry);
        finishes("retry", run).await.output
    }

    fn policy(first: u64, max: u64, budget: u64) -> Backoff {
        Backoff {
            first_delay: ms(first),
            max_delay: ms(max),
            budget: ms(budget),
        }
    }

    /// One attempt of the operation under test.
    type Attempt = std::pin::Pin<Box<dyn std::future::Future<Output = Result<u32, u32>>>>;
    /// When each attempt started.
    type Starts = Rc<RefCell<Vec<Duration>>>;

    /// An operation that fails (with its attempt number) until attempt `succeed_on`, recording
    /// when each attempt starts, relative to `t0`, and refusing to start after `deadline`.
    fn flaky(
        t0: Instant,
        succeed_on: u32,
        deadline: Duration,
    ) -> (impl FnMut(u32) -> Attempt, Starts) {
        let starts = Rc::new(RefCell::new(Vec::new()));
        let log = starts.clone();
        let op = move |n: u32| {
            let log = log.clone();
            Box::pin(async move {
                let at = t0.elapsed();
                assert!(
                    at < deadline,
                    "attempt {n} started {at:?} after retry began, but the deadline was at \
                     {deadline:?}: no attempt may start at or after the deadline {CLOCKS}"
                );
                log.borrow_mut().push(at);
                if n >= succeed_on { Ok(n) } else { Err(n) }
            }) as Attempt
        };
        (op, starts)
    }

    #[test]
    fn delays_double_and_stop_at_the_cap() {
        let p = policy(100, 1000, 60_000);
        let got: Vec<Duration> = (1..=6).map(|n| p.delay_after(n)).collect();
        assert_eq!(
            got,
            [ms(100), ms(200), ms(400), ms(800), ms(1000), ms(1000)],
            "delay_after(n) is first_delay * 2^(n-1), capped at max_delay (first 100 ms, cap 1 s)"
        );
        let late = quiet_panic(|| (p.delay_after(64), p.delay_after(u32::MAX)));
        assert!(
            matches!(late, Ok((a, b)) if a == ms(1000) && b == ms(1000)),
            "delay_after(64) and delay_after(u32::MAX) must be max_delay, without panicking: the \
             doubling overflows long before that (checked_pow / checked_mul, or stop doubling at \
             the cap)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn waits_between_attempts_then_succeeds() {
        let t0 = Instant::now();
        let (op, starts) = flaky(t0, 5, ms(60_000));
        let out = guarded(retry(policy(100, 1000, 60_000), op)).await;
        assert_eq!(
            out,
            Ok(5),
            "attempts 1-4 fail and attempt 5 succeeds: retry returns Ok(5)"
        );
        let starts = starts.borrow();
        assert_eq!(
            *starts,
            [ms(0), ms(100), ms(300), ms(700), ms(1500)],
            "attempts start at once, then after waits of 100, 200, 400, 800 ms {CLOCKS}"
        );
        assert_about("retry that succeeds on attempt 5", t0.elapsed(), ms(1500));
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_at_once_when_the_next_attempt_would_miss_the_deadline() {
        let t0 = Instant::now();
        let (op, starts) = flaky(t0, u32::MAX, ms(1000));
        let out = guarded(retry(policy(100, 1000, 1000), op)).await;
        assert_eq!(
            out,
            Err(GaveUp {
                attempts: 4,
                last_error: 4
            }),
            "budget 1 s: attempts at 0, 100, 300, 700 ms; the next would start at 1500 ms, after \
             the deadline, so retry gives up with 4 attempts and the last error"
        );
        assert_eq!(starts.borrow().len(), 4, "exactly 4 attempts fit in 1 s");
        assert_about(
            "giving up (retry must not sleep towards an attempt it will not make)",
            t0.elapsed(),
            ms(700),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn slow_attempts_count_against_the_budget_and_none_starts_at_the_deadline() {
        // Each attempt takes 30 ms of its own; the budget of 730 ms counts from the first poll.
        let t0 = Instant::now();
        let starts = Rc::new(RefCell::new(Vec::new()));
        let log = starts.clone();
        let out = guarded(retry(policy(70, 200, 730), move |n| {
            let log = log.clone();
            async move {
                log.borrow_mut().push(t0.elapsed());
                sleep(ms(30)).await;
                Err::<(), u32>(n)
            }
        }))
        .await;
        assert_eq!(
            *starts.borrow(),
            [ms(0), ms(100), ms(270), ms(500)],
            "30 ms attempts, waits of 70, 140, 200 (cap) after each failure; the 5th would start \
             at 730 ms, the deadline itself, so it must not start: an attempt starts strictly \
             before start + budget, and the budget counts from retry's first poll (the time the \
             attempts take is part of it) {CLOCKS}"
        );
        assert_eq!(
            out,
            Err(GaveUp {
                attempts: 4,
                last_error: 4
            }),
            "4 attempts fit before the 730 ms deadline; give up with the 4th error"
        );
        assert_about("giving up after attempt 4", t0.elapsed(), ms(530));
    }

    #[tokio::test(start_paused = true)]
    async fn the_budget_starts_when_retry_starts_running() {
        // Attempt times are measured from the first poll, 500 ms after the future is made.
        let t0 = Instant::now() + ms(500);
        let (op, starts) = flaky(t0, u32::MAX, ms(1000));
        let fut = retry(policy(200, 1000, 1000), op);
        sleep(ms(500)).await;
        let out = guarded(fut).await;
        assert_eq!(
            out.map_err(|e| e.attempts),
            Err(3),
            "budget 1 s from the first poll: attempts at 0, 200, 600 ms after it; a future does \
             nothing (not even look at the clock) before it is polled"
        );
        assert_eq!(*starts.borrow(), [ms(0), ms(200), ms(600)]);
        assert_about("giving up", t0.elapsed(), ms(600));
    }
}

mod e02_debounce {
    use super::*;
    use lesson_05::e02_debounce::*;
    use shared::Harness;
    use shared::testing::finishes_within;
    use tokio::sync::mpsc;
    use tokio::time::{Instant, sleep_until};

    /// What a debounce run looked like, in ms since the start.
    struct Outcome {
        outputs: Vec<(u32, Duration)>,
        returned_at: Duration,
        polls: u64,
    }

    /// Runs `debounce(quiet)` under the harness while a producer sends `sends` (value at ms) and
    /// closes the input at `close_at` ms, and a consumer records what comes out, and when.
    async fn scenario(quiet: u64, sends: &[(u64, u32)], close_at: u64) -> Outcome {
        let t0 = Instant::now();
        let (in_tx, in_rx) = mpsc::channel(64);
        let (out_tx, mut out_rx) = mpsc::channel(64);
        let sends = sends.to_vec();
        let producer = async move {
            for (at, value) in sends {
                sleep_until(t0 + ms(at)).await;
                in_tx
                    .send(value)
                    .await
                    .expect("debounce dropped its input early");
            }
            sleep_until(t0 + ms(close_at)).await;
            drop(in_tx);
        };
        let consumer = async move {
            let mut outputs = Vec::new();
            while let Some(value) = out_rx.recv().await {
                outputs.push((value, t0.elapsed()));
            }
            outputs
        };
        let debouncer = Harness::new().named("debounce").run(async move {
            debounce(in_rx, ms(quiet), out_tx).await;
            t0.elapsed()
        });
        let ((), outputs, run) = finishes_within(
            "debounce (with its producer and consumer)",
            ms(close_at) + Duration::from_secs(10),
            async { tokio::join!(producer, consumer, debouncer) },
        )
        .await;
        Outcome {
            outputs,
            returned_at: run.output,
            polls: run.polls,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_gives_one_output_quiet_after_the_last_value() {
        let out = scenario(50, &[(0, 1), (10, 2), (20, 3)], 1000).await;
        assert_eq!(
            out.outputs,
            [(3, ms(70))],
            "values at 0, 10, 20 ms with a 50 ms quiet period: one output, the last value (3), \
             50 ms after it arrived (at 70 ms) {CLOCKS}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn separate_bursts_give_separate_outputs() {
        let out = scenario(50, &[(0, 1), (30, 2), (200, 3), (220, 4), (400, 5)], 1000).await;
        assert_eq!(
            out.outputs,
            [(2, ms(80)), (4, ms(270)), (5, ms(450))],
            "three bursts, three outputs: each burst's last value, 50 ms after it arrived \
             (each new value restarts the quiet period) {CLOCKS}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn closing_the_input_flushes_at_once_and_returns() {
        let out = scenario(50, &[(0, 1), (10, 2)], 20).await;
        assert_eq!(
            out.outputs,
            [(2, ms(20))],
            "the input closed at 20 ms with value 2 waiting: send it at once (at 20 ms, not after \
             the quiet period), nothing can supersede it any more"
        );
        assert_eq!(
            out.returned_at,
            ms(20),
            "debounce returns as soon as its input is closed and the waiting value is sent"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_debouncer_is_not_woken() {
        let out = scenario(50, &[(0, 1), (60_000, 2)], 120_000).await;
        assert_eq!(
            out.outputs,
            [(1, ms(50)), (2, ms(60_050))],
            "each lone value is sent 50 ms after it arrived {CLOCKS}"
        );
        assert!(
            out.polls <= 20,
            "debounce was polled {} times for 2 values over 2 idle minutes: while no value waits, \
             it must wait on the channel alone (switch the timer branch off with `, if ...`), \
             not wake up every quiet period",
            out.polls
        );
    }
}

mod e03_rate_limiter {
    use super::*;
    use lesson_05::e03_rate_limiter::*;
    use shared::Harness;
    use shared::testing::{assert_send, finishes_within};
    use std::sync::{Arc, Mutex};
    use tokio::time::{Instant, sleep};

    /// Spawns `n` tasks, in order, that each acquire once; returns (task id, admission time since
    /// `t0`) in the order they were admitted.
    async fn admit_all(limiter: Arc<RateLimiter>, n: usize, t0: Instant) -> Vec<(usize, Duration)> {
        let log = Arc::new(Mutex::new(Vec::with_capacity(n)));
        let tasks: Vec<_> = (0..n)
            .map(|id| {
                let (limiter, log) = (limiter.clone(), log.clone());
                tokio::spawn(async move {
                    limiter.acquire().await;
                    log.lock().unwrap().push((id, t0.elapsed()));
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("a task calling acquire panicked");
        }
        let log = log.lock().unwrap();
        log.clone()
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_bucket_then_one_token_per_period() {
        let t0 = Instant::now();
        let limiter = RateLimiter::new(ms(10), 5);
        let times = finishes_within("20 acquires", Duration::from_secs(5), async {
            let mut times = Vec::new();
            for k in 0..20 {
                Harness::new()
                    .named(format!("acquire #{k}"))
                    .run(limiter.acquire())
                    .await;
                times.push(t0.elapsed());
            }
            times
        })
        .await;
        let want: Vec<Duration> = (0..20u64).map(|k| ms(10 * k.saturating_sub(4))).collect();
        assert_eq!(
            times, want,
            "burst 5, one token per 10 ms: the bucket starts full, so 5 callers go at once, then \
             one every 10 ms {CLOCKS}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn thousands_of_callers_in_order_at_the_exact_rate() {
        let t0 = Instant::now();
        let limiter = Arc::new(RateLimiter::new(Duration::from_micros(2500), 10));
        assert_send(&limiter.acquire());
        let admitted = finishes_within(
            "4000 callers",
            Duration::from_secs(15),
            admit_all(limiter, 4000, t0),
        )
        .await;
        let order: Vec<usize> = admitted.iter().map(|&(id, _)| id).collect();
        let first_unfair = order.iter().enumerate().find(|&(k, &id)| k != id);
        assert!(
            first_unfair.is_none(),
            "fairness: callers must be admitted in the order they called acquire, but admission \
             #{} went to caller {} (first come, first served: a waiter must not be overtaken)",
            first_unfair.map_or(0, |(k, _)| k),
            first_unfair.map_or(0, |(_, &id)| id)
        );
        for (k, &(_, at)) in admitted.iter().enumerate() {
            let due = Duration::from_micros(2500 * (k as u64).saturating_sub(9));
            assert!(
                at >= due && at <= due + ms(1),
                "rate: caller #{k} should be admitted at {due:?} (10 at once, then one per 2.5 ms, \
                 up to the timer's 1 ms tick late), but was admitted at {at:?}. Early means too \
                 many tokens; late and growing means the rounding adds up: count tokens from when \
                 the last whole token was earned, not from now {CLOCKS}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_bucket_saves_up_no_more_than_burst() {
        let t0 = Instant::now();
        let limiter = Arc::new(RateLimiter::new(ms(10), 5));
        sleep(Duration::from_secs(1)).await;
        let admitted = finishes_within(
            "30 callers after an idle second",
            Duration::from_secs(5),
            admit_all(limiter, 30, t0),
        )
        .await;
        let times: Vec<Duration> = admitted.iter().map(|&(_, at)| at).collect();
        let want: Vec<Duration> = (0..30u64)
            .map(|k| ms(1000 + 10 * k.saturating_sub(4)))
            .collect();
        assert_eq!(
            times, want,
            "after 1 s idle the bucket holds 5 tokens (its burst), not 100: 5 callers at 1 s, then \
             one every 10 ms {CLOCKS}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_newcomer_does_not_overtake_waiting_callers() {
        let t0 = Instant::now();
        let limiter = Arc::new(RateLimiter::new(ms(10), 1));
        let log = Arc::new(Mutex::new(Vec::new()));
        let caller = |name: &'static str, arrives: u64| {
            let (limiter, log) = (limiter.clone(), log.clone());
            tokio::spawn(async move {
                sleep(ms(arrives)).await;
                limiter.acquire().await;
                log.lock().unwrap().push((name, t0.elapsed()));
            })
        };
        // "late" starts its clock first, but arrives at 10 ms, when "b" and "c" have been
        // waiting since 0 ms.
        let tasks = [
            caller("late", 10),
            caller("a", 0),
            caller("b", 0),
            caller("c", 0),
        ];
        finishes_within("four callers", Duration::from_secs(5), async {
            for task in tasks {
                task.await.expect("a task calling acquire panicked");
            }
        })
        .await;
        assert_eq!(
            *log.lock().unwrap(),
            [("a", ms(0)), ("b", ms(10)), ("c", ms(20)), ("late", ms(30))],
            "fairness: b and c have waited since 0 ms, so the token of 10 ms is b's and the next \
             is c's; \"late\", arriving at 10 ms, queues behind them. If waiters sleep and then \
             race for the token, whoever is polled first wins: queue them instead {CLOCKS}"
        );
    }
}

mod e04_timeout {
    use super::*;
    use lesson_05::e04_timeout::*;
    use shared::testing::{assert_about, finishes};
    use shared::{Harness, Probe};
    use std::future::{Future, pending, poll_fn};
    use tokio::time::{Instant, sleep};

    #[tokio::test(start_paused = true)]
    async fn a_quick_value_passes_through() {
        let t0 = Instant::now();
        let work = async {
            sleep(ms(20)).await;
            "done"
        };
        let run = Harness::new()
            .named("timeout(50 ms, a 20 ms job)")
            .run(timeout(ms(50), work))
            .await;
        assert_eq!(
            run.output,
            Ok("done"),
            "a 20 ms job under a 50 ms limit finishes: Ok(its output)"
        );
        assert_about("a 20 ms job under a timeout", t0.elapsed(), ms(20));
    }

    #[tokio::test(start_paused = true)]
    async fn at_the_deadline_the_inner_future_is_already_dropped() {
        let t0 = Instant::now();
        let (inner, handle) = Probe::new("the inner future", pending::<u8>());
        let mut fut = Box::pin(timeout(ms(50), inner));
        // Poll by hand so the timeout future itself is still alive when it answers.
        let run = Harness::new()
            .named("timeout(50 ms, never ready)")
            .run(poll_fn(|cx| fut.as_mut().poll(cx)))
            .await;
        assert_eq!(
            run.output,
            Err(TimedOut { after: ms(50) }),
            "the inner future never finishes, so the answer is Err(TimedOut {{ after: 50ms }}): \
             `after` is the limit timeout was given (not a duration you measure, and never on \
             std's clock), and the error comes at the deadline"
        );
        assert_about("the 50 ms timeout", t0.elapsed(), ms(50));
        assert!(
            handle.is_dropped(),
            "cancellation: when the timeout returns its error the inner future must already be \
             dropped (so whatever it holds is freed now), not kept inside the timeout future \
             until someone drops that"
        );
        drop(fut);
    }

    #[tokio::test(start_paused = true)]
    async fn the_clock_starts_when_timeout_is_called() {
        let t0 = Instant::now();
        let fut = timeout(ms(50), pending::<()>());
        sleep(ms(30)).await;
        let run = Harness::new().named("timeout(50 ms)").run(fut);
        let out = finishes("timeout(50 ms) awaited 30 ms after it was made", run)
            .await
            .output;
        assert_eq!(out, Err(TimedOut { after: ms(50) }));
        assert_about(
            "a timeout made at 0 ms with a 50 ms limit ends at 50 ms however late it is first \
             polled (compute the deadline in `timeout` itself, outside the async block)",
            t0.elapsed(),
            ms(50),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_value_ready_at_the_deadline_wins() {
        for round in 0..32 {
            let work = async {
                sleep(ms(40)).await;
                round
            };
            let run = Harness::new()
                .named("timeout(40 ms)")
                .run(timeout(ms(40), work));
            let out = finishes("timeout(40 ms, a 40 ms job)", run).await.output;
            assert_eq!(
                out,
                Ok(round),
                "round {round}: the job is ready at the deadline itself, and a tie goes to the \
                 work: poll the inner future before the timer (`biased;` in select!, which \
                 otherwise picks a random order)"
            );
        }
    }

    #[test]
    fn timed_out_is_an_error_that_reads_well() {
        let err: Box<dyn std::error::Error> = Box::new(TimedOut { after: ms(50) });
        assert_eq!(
            err.to_string(),
            "timed out after 50ms",
            "TimedOut's Display should read `timed out after {{after:?}}`"
        );
    }
}

mod e05_ticker {
    use super::*;
    use lesson_05::e05_ticker::*;
    use shared::Harness;
    use tokio::time::{Instant, sleep};

    /// Runs a job of the given durations (ms) after each tick of a 100 ms ticker made at the
    /// start; returns (scheduled, fired) for each tick, in ms since the start.
    async fn slow_job(missed: Missed, gap_before_first: u64, jobs: &[u64]) -> Vec<(u64, u64)> {
        let t0 = Instant::now();
        let mut ticker = Ticker::new(ms(100), missed);
        let jobs = jobs.to_vec();
        let run = Harness::new()
            .named(format!("a job ticked by Ticker({missed:?})"))
            .run(async move {
                sleep(ms(gap_before_first)).await;
                let mut ticks = Vec::new();
                for job in jobs {
                    let scheduled = ticker.tick().await;
                    let to_ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
                    ticks.push((to_ms(scheduled - t0), to_ms(t0.elapsed())));
                    sleep(ms(job)).await;
                }
                ticks
            })
            .await;
        run.output
    }

    /// The job: quick, then one 250 ms run, then quick again.
    const ONE_SLOW_RUN: [u64; 6] = [30, 250, 30, 30, 30, 30];

    #[tokio::test(start_paused = true)]
    async fn on_time_ticks_start_at_once_and_come_every_period() {
        let ticks = slow_job(Missed::Burst, 0, &[10; 5]).await;
        assert_eq!(
            ticks,
            [(0, 0), (100, 100), (200, 200), (300, 300), (400, 400)],
            "(scheduled, fired) in ms: the first tick is due at once, then one every 100 ms, \
             each scheduled for due + period {CLOCKS}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn burst_fires_the_missed_ticks_at_once_to_catch_up() {
        let ticks = slow_job(Missed::Burst, 0, &ONE_SLOW_RUN).await;
        assert_eq!(
            ticks,
            [
                (0, 0),
                (100, 100),
                (200, 350),
                (300, 380),
                (400, 410),
                (500, 500)
            ],
            "(scheduled, fired) in ms under Burst: the job ran 100-350 ms, so the ticks due at \
             200, 300 and 400 fire as soon as asked for (350, 380, 410), keeping their scheduled \
             instants, and 500 is on time again: after a late tick, the next is due + period"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn delay_restarts_the_schedule_from_the_late_tick() {
        let ticks = slow_job(Missed::Delay, 0, &ONE_SLOW_RUN).await;
        assert_eq!(
            ticks,
            [
                (0, 0),
                (100, 100),
                (200, 350),
                (450, 450),
                (550, 550),
                (650, 650)
            ],
            "(scheduled, fired) in ms under Delay: the tick due at 200 fires late at 350, so the \
             next is due a full period after that, at 450 (now + period), and so on"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn skip_drops_missed_ticks_but_keeps_the_grid() {
        let ticks = slow_job(Missed::Skip, 0, &ONE_SLOW_RUN).await;
        assert_eq!(
            ticks,
            [
                (0, 0),
                (100, 100),
                (200, 350),
                (400, 400),
                (500, 500),
                (600, 600)
            ],
            "(scheduled, fired) in ms under Skip: the tick due at 200 fires late at 350; 300 is \
             dropped and the next is the next grid point after 350: 400, not 450"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_tick_is_due_when_the_ticker_is_made() {
        let ticks = slow_job(Missed::Delay, 250, &[0, 0]).await;
        assert_eq!(
            ticks,
            [(0, 250), (350, 350)],
            "a Ticker made at 0 ms and first asked at 250 ms: its first tick was due at 0 ms (at \
             new, not at the first tick() call), so it fires at once, late; under Delay the next \
             is due at 350 ms"
        );
        let ticks = slow_job(Missed::Burst, 250, &[0, 0, 0, 0]).await;
        assert_eq!(
            ticks,
            [(0, 250), (100, 250), (200, 250), (300, 300)],
            "the same under Burst: the ticks due at 0, 100 and 200 ms fire at once at 250 ms"
        );
    }
}

mod e06_deadline {
    use super::*;
    use lesson_05::e06_deadline::*;
    use shared::testing::{assert_about, finishes};
    use shared::{Harness, Probe, ProbeHandle};
    use tokio::time::{Instant, sleep};

    /// Runs `run_steps` under the harness and a time limit.
    async fn guarded<T>(steps: impl std::future::Future<Output = T>) -> T {
        let run = Harness::new().named("run_steps").run(steps);
        finishes("run_steps", run).await.output
    }

    /// A step that takes `took` ms and returns `name`, watched by a probe.
    fn step(name: &'static str, took: u64) -> (Step<&'static str>, ProbeHandle) {
        let (work, handle) = Probe::new(
            name,
            Box::pin(async move {
                sleep(ms(took)).await;
                name
            }),
        );
        (Step::new(name, work), handle)
    }

    #[tokio::test(start_paused = true)]
    async fn steps_that_fit_run_in_order() {
        let t0 = Instant::now();
        let (a, _) = step("reserve", 20);
        let (b, _) = step("charge", 30);
        let (c, _) = step("ship", 10);
        let out = guarded(run_steps(t0 + ms(100), vec![a, b, c])).await;
        assert_eq!(
            out,
            Ok(vec!["reserve", "charge", "ship"]),
            "three steps of 20 + 30 + 10 ms fit in 100 ms: their outputs, in order"
        );
        assert_about("three steps, one after another", t0.elapsed(), ms(60));
    }

    #[tokio::test(start_paused = true)]
    async fn each_step_gets_the_time_left_not_a_fresh_limit() {
        let t0 = Instant::now();
        let (a, _) = step("reserve", 40);
        let (b, _) = step("charge", 40);
        let (c, ship) = step("ship", 40);
        let out = guarded(run_steps(t0 + ms(100), vec![a, b, c])).await;
        assert_eq!(
            out,
            Err(Expired {
                step: "ship",
                completed: 2
            }),
            "three 40 ms steps against one deadline 100 ms away: ship starts at 80 ms with 20 ms \
             left, and runs out: Expired names ship and counts the 2 steps that finished before \
             it (not the one cut off). Each step gets the time left until the deadline, not a limit of \
             its own"
        );
        assert_about("the operation ends at the deadline", t0.elapsed(), ms(100));
        assert!(
            ship.is_dropped(),
            "cancellation: the step running at the deadline must be dropped by then"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn no_step_starts_once_the_deadline_has_passed() {
        let t0 = Instant::now();
        let (a, _) = step("reserve", 50);
        let (b, _) = step("charge", 50);
        let (c, ship) = step("ship", 1);
        let out = guarded(run_steps(t0 + ms(100), vec![a, b, c])).await;
        assert_eq!(
            out,
            Err(Expired {
                step: "ship",
                completed: 2
            }),
            "charge finishes at 100 ms, the deadline itself (that counts as finished); ship is \
             due to start at the deadline, so the answer names ship with 2 steps completed"
        );
        assert_eq!(
            ship.polls(),
            0,
            "a step due to start at or after the deadline must never be polled, not even once: \
             a first poll can already send a request or charge a card (tokio's timeout_at polls \
             its future once before it looks at the clock: check the deadline yourself first)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn time_left_counts_down_to_zero() {
        let deadline = Instant::now() + ms(70);
        assert_eq!(
            time_left(deadline),
            ms(70),
            "70 ms left at the start {CLOCKS}"
        );
        sleep(ms(30)).await;
        assert_eq!(
            time_left(deadline),
            ms(40),
            "40 ms left after 30 ms {CLOCKS}"
        );
        sleep(ms(100)).await;
        let left = quiet_panic(|| time_left(deadline));
        assert!(
            matches!(left, Ok(d) if d.is_zero()),
            "once the deadline has passed, time_left is zero (and must not panic): use a \
             saturating subtraction"
        );
    }
}
