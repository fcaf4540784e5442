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

    fn policy(first: u64, max: u64, budget: u64) -> Backoff {
        Backoff {
            first_delay: ms(first),
            max_delay: ms(max),
            budget: ms(budget),
        }
    }

    /// An operation that fails (with its attempt number) until attempt `succeed_on`, recording
    /// when each attempt starts, relative to `t0`, and refusing to start after `deadline`.
    fn flaky(
        t0: Instant,
        succeed_on: u32,
        deadline: Duration,
    ) -> (
        impl FnMut(u32) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<u32, u32>>>>,
        Rc<RefCell<Vec<Duration>>>,
    ) {
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
            }) as std::pin::Pin<Box<dyn std::future::Future<Output = Result<u32, u32>>>>
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
        let late = std::panic::catch_unwind(|| (p.delay_after(64), p.delay_after(u32::MAX)));
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
        let out = finishes("retry", retry(policy(100, 1000, 60_000), op)).await;
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
        let out = finishes("retry", retry(policy(100, 1000, 1000), op)).await;
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
    async fn the_budget_starts_when_retry_starts_running() {
        // Attempt times are measured from the first poll, 500 ms after the future is made.
        let t0 = Instant::now() + ms(500);
        let (op, starts) = flaky(t0, u32::MAX, ms(1000));
        let fut = retry(policy(200, 1000, 1000), op);
        sleep(ms(500)).await;
        let out = finishes("retry", fut).await;
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
