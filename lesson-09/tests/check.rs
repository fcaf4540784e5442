//! Visible tests for lesson 09, one module per exercise (`cargo xtask check lesson-09`).
//!
//! Everything runs on tokio's paused clock (`#[tokio::test(start_paused = true)]`): time jumps to
//! the next timer whenever every task is idle, so "the error came at 10 ms, not 100 ms" is checked
//! exactly and costs microseconds. Futures are driven by `shared::Harness` (it names a broken poll
//! rule) under `shared::testing::finishes` (a hang becomes a sentence); children are wrapped in
//! `shared::Probe`, which counts their polls, sees them dropped and catches a poll after `Ready`.

use std::time::Duration;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

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
        let out = finishes("lookup_all with a failing lookup", run).await.output;
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
