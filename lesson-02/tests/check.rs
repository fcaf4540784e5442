//! Visible tests for lesson 02, one module per exercise (`cargo xtask check lesson-02`).
//!
//! Futures run under the `shared` harness wherever possible: when a future breaks a poll rule, the
//! harness stops it and the failure names the rule (see the lesson README for the four rules). The
//! assertions written here name the rule in their messages too.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// Polls `fut` once with `waker`, the way an executor would.
fn poll_with<F: Future + Unpin>(fut: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(fut).poll(&mut Context::from_waker(waker))
}

/// Asserts that a virtual (tokio) duration is `expected`, give or take the timer's 1 ms tick.
#[track_caller]
fn assert_about(what: &str, actual: Duration, expected: Duration) {
    assert!(
        actual >= expected && actual <= expected + Duration::from_millis(2),
        "{what}: expected {expected:?} of (virtual) time, took {actual:?}"
    );
}

mod e01_ratchet {
    use super::*;
    use lesson_02::e01_ratchet::*;
    use shared::Harness;
    use shared::wakers::counting_waker;

    #[test]
    fn three_clicks_take_four_polls() {
        let run = Harness::new()
            .named("Ratchet::new(3)")
            .block_on(Ratchet::new(3));
        assert_eq!(
            run.polls, 4,
            "Ratchet::new(3) should answer Pending 3 times and then Ready: 4 polls in all"
        );
        assert_eq!(
            run.output, 4,
            "the output is the number of polls, the Ready poll included"
        );
    }

    #[test]
    fn zero_clicks_is_ready_on_the_first_poll() {
        let run = Harness::new()
            .named("Ratchet::new(0)")
            .block_on(Ratchet::new(0));
        assert_eq!(run.polls, 1, "a ratchet with no clicks is Ready at once");
        assert_eq!(run.output, 1);
    }

    #[test]
    fn wakes_itself_before_every_pending() {
        let mut ratchet = Ratchet::new(2);
        for poll in 1..=2 {
            let (waker, counts) = counting_waker();
            assert!(
                poll_with(&mut ratchet, &waker).is_pending(),
                "poll #{poll} of Ratchet::new(2) should be Pending"
            );
            assert_eq!(
                counts.total_wakes(),
                1,
                "rule 2: poll #{poll} returned Pending, so it must wake its waker (once) first"
            );
        }
        let (waker, _) = counting_waker();
        assert_eq!(poll_with(&mut ratchet, &waker), Poll::Ready(3));
    }
}

mod e02_bell {
    use super::*;
    use lesson_02::e02_bell::*;
    use shared::Harness;
    use shared::test_futures::ReadyAfter;
    use shared::wakers::counting_waker;
    use std::thread;

    #[test]
    fn ringing_from_another_thread_completes_it() {
        let (bell, ringer) = bell();
        let ring = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            ringer.ring();
        });
        let run = Harness::new().named("Bell").block_on(bell);
        ring.join().unwrap();
        assert!(
            run.polls <= 3,
            "one ring should need about 2 polls, not {}",
            run.polls
        );
    }

    #[test]
    fn ring_before_the_first_poll() {
        let (mut bell, ringer) = bell();
        ringer.ring();
        let (waker, _) = counting_waker();
        assert_eq!(
            poll_with(&mut bell, &waker),
            Poll::Ready(()),
            "a bell that was already rung is Ready on its first poll"
        );
    }

    #[test]
    fn the_latest_waker_is_the_one_woken() {
        let (mut bell, ringer) = bell();
        let (first, first_counts) = counting_waker();
        let (second, second_counts) = counting_waker();
        assert!(poll_with(&mut bell, &first).is_pending());
        assert!(poll_with(&mut bell, &second).is_pending());
        thread::spawn(move || ringer.ring()).join().unwrap();
        assert_eq!(
            second_counts.total_wakes(),
            1,
            "rule 2: the bell was polled with a new waker, so ringing must wake that newest waker \
             (once)"
        );
        assert_eq!(
            first_counts.total_wakes(),
            0,
            "ringing woke the waker of an earlier poll: replace the stored waker on every poll"
        );
        assert_eq!(poll_with(&mut bell, &second), Poll::Ready(()));
    }

    #[test]
    fn works_inside_a_join_that_polls_it_often() {
        // `join` polls the bell each time the other side wakes, with a fresh waker every time.
        let (bell, ringer) = bell();
        let ring = thread::spawn(move || {
            thread::sleep(Duration::from_millis(30));
            ringer.ring();
        });
        let both = futures::future::join(bell, ReadyAfter::new(3, "other"));
        let run = Harness::new()
            .named("join(Bell, ReadyAfter(3))")
            .block_on(both);
        ring.join().unwrap();
        assert_eq!(run.output, ((), "other"));
    }
}

mod e03_delay {
    use super::*;
    use lesson_02::e03_delay::*;
    use shared::Harness;
    use shared::test_futures::ReadyAfter;
    use shared::wakers::{WakeCounts, counting_waker};
    use std::sync::Arc;
    use std::thread;
    use std::time::Instant;

    /// Waits (up to 1 s) until some waker was woken, then a little longer for any late wakes.
    fn settle(counts: &[Arc<WakeCounts>]) {
        let start = Instant::now();
        while counts.iter().all(|c| c.total_wakes() == 0)
            && start.elapsed() < Duration::from_secs(1)
        {
            thread::sleep(Duration::from_millis(2));
        }
        thread::sleep(Duration::from_millis(30));
    }

    #[test]
    fn completes_after_its_deadline() {
        let start = Instant::now();
        let run = Harness::new()
            .named("Delay(40 ms)")
            .block_on(Delay::new(Duration::from_millis(40)));
        assert!(
            start.elapsed() >= Duration::from_millis(40),
            "Delay(40 ms) was Ready after {:?}: never before the deadline",
            start.elapsed()
        );
        assert!(
            run.polls <= 3,
            "a Delay woken once by its thread needs about 2 polls, not {}",
            run.polls
        );
    }

    #[test]
    fn never_ready_before_the_deadline() {
        let mut delay = Delay::new(Duration::from_millis(80));
        let (waker, counts) = counting_waker();
        assert!(
            poll_with(&mut delay, &waker).is_pending(),
            "Delay(80 ms) was Ready at once"
        );
        thread::sleep(Duration::from_millis(15));
        assert!(
            poll_with(&mut delay, &waker).is_pending(),
            "Delay(80 ms) was Ready after 15 ms"
        );
        settle(&[counts]);
        assert_eq!(
            poll_with(&mut delay, &waker),
            Poll::Ready(()),
            "after its wake, past the deadline, the Delay should be Ready"
        );
    }

    #[test]
    fn fifty_polls_one_thread_one_wake_of_the_latest_waker() {
        let mut delay = Delay::new(Duration::from_millis(60));
        let mut all = Vec::new();
        for poll in 1..=50 {
            let (waker, counts) = counting_waker();
            assert!(
                poll_with(&mut delay, &waker).is_pending(),
                "poll #{poll}: Ready before the deadline"
            );
            all.push(counts);
        }
        settle(&all);
        let latest = all.last().unwrap().total_wakes();
        let older: u64 = all[..49].iter().map(|c| c.total_wakes()).sum();
        assert_eq!(
            latest, 1,
            "rule 2: the waker of the most recent poll must be woken exactly once at the deadline \
             ({older} wakers of earlier polls were woken instead). Replace the stored waker on \
             every poll"
        );
        assert_eq!(
            older, 0,
            "rule 4 (poll should be cheap): {older} wakers of earlier polls were woken too. A \
             Delay needs one helper thread in all, not one per poll, and it wakes only the most \
             recent waker"
        );
        let (waker, _) = counting_waker();
        assert_eq!(poll_with(&mut delay, &waker), Poll::Ready(()));
    }

    #[test]
    fn works_inside_a_join_that_polls_it_often() {
        let both = futures::future::join(
            Delay::new(Duration::from_millis(30)),
            ReadyAfter::new(4, 'x'),
        );
        let run = Harness::new()
            .named("join(Delay, ReadyAfter(4))")
            .block_on(both);
        assert_eq!(run.output, ((), 'x'));
    }
}

mod e04_measure {
    use super::*;
    use lesson_02::e04_measure::*;
    use shared::test_futures::{ReadyAfter, WakeFromThread};
    use shared::{Harness, Probe};

    #[test]
    fn same_output_and_polls_as_the_async_fn() {
        for (wp, hp, w, h) in [(0, 0, 3, 4), (2, 1, 16, 9), (1, 3, 640, 480)] {
            let by_compiler =
                Harness::new().block_on(measure(ReadyAfter::new(wp, w), ReadyAfter::new(hp, h)));
            let by_hand = Harness::new()
                .named(format!(
                    "Measure(width after {wp} pendings, height after {hp})"
                ))
                .block_on(Measure::new(ReadyAfter::new(wp, w), ReadyAfter::new(hp, h)));
            assert_eq!(by_hand.output, by_compiler.output);
            assert_eq!(
                by_hand.polls, by_compiler.polls,
                "width Pending {wp} times, height {hp} times: the async fn needs {} polls, yours \
                 needed {}. When width is Ready, go straight on to poll height in the same call",
                by_compiler.polls, by_hand.polls
            );
        }
    }

    #[test]
    fn one_step_at_a_time() {
        let (width, w) = Probe::new("width", ReadyAfter::new(2, 5));
        let (height, h) = Probe::new("height", ReadyAfter::new(1, 7));
        let mut fut = Measure::new(width, height);
        let waker = shared::wakers::noop_waker();
        let mut out = None;
        for _ in 0..10 {
            let poll = poll_with(&mut fut, &waker);
            if !w.is_ready() {
                assert_eq!(
                    h.polls(),
                    0,
                    "height was polled while width was still pending: `.await` runs one step at \
                     a time"
                );
            }
            if let Poll::Ready(s) = poll {
                out = Some(s);
                break;
            }
        }
        assert_eq!(out.as_deref(), Some("5x7"));
        assert_eq!(w.polls(), 3, "width: Pending twice, then Ready: 3 polls");
        assert_eq!(h.polls(), 2, "height: Pending once, then Ready: 2 polls");
    }

    #[test]
    fn children_woken_by_threads() {
        let width = WakeFromThread::new(Duration::from_millis(10), 1920);
        let height = WakeFromThread::new(Duration::from_millis(10), 1080);
        let run = Harness::new()
            .named("Measure(thread-woken children)")
            .block_on(Measure::new(width, height));
        assert_eq!(run.output, "1920x1080");
    }
}

mod e05_then {
    use super::*;
    use lesson_02::e05_then::*;
    use shared::test_futures::{ReadyAfter, WakeFromThread};
    use shared::{Harness, Probe};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn output_comes_from_the_second_future() {
        let fut = then(ReadyAfter::new(2, 20), |x| ReadyAfter::new(1, x + 1));
        let run = Harness::new().named("then(ReadyAfter, ..)").block_on(fut);
        assert_eq!(run.output, 21);
    }

    #[test]
    fn closure_called_once_after_first_is_ready() {
        let calls = Arc::new(AtomicU32::new(0));
        let (first, first_probe) = Probe::new("first", ReadyAfter::new(3, "gear"));
        let counter = calls.clone();
        let fut = then(first, move |s: &'static str| {
            counter.fetch_add(1, Ordering::SeqCst);
            assert!(
                first_probe.is_ready(),
                "the closure ran before the first future was Ready"
            );
            ReadyAfter::new(2, s.len())
        });
        let run = Harness::new().named("then(first, closure)").block_on(fut);
        assert_eq!(run.output, 4);
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "the closure must run exactly once"
        );
    }

    #[test]
    fn first_is_not_polled_after_ready() {
        // The probe panics, naming rule 1, if `first` is polled after it returned Ready.
        let (first, first_probe) = Probe::new("first", ReadyAfter::new(1, 2));
        let (second, second_probe) =
            Probe::new("second", WakeFromThread::new(Duration::from_millis(20), 3));
        let fut = then(first, move |x| {
            assert_eq!(x, 2);
            second
        });
        let run = Harness::new().named("then(first, second)").block_on(fut);
        assert_eq!(run.output, 3);
        assert_eq!(first_probe.polls(), 2);
        assert!(second_probe.is_ready());
    }

    #[test]
    #[should_panic(expected = "polled after completion")]
    fn panics_when_polled_after_completion() {
        let mut fut = then(ReadyAfter::new(0, 1), |x| ReadyAfter::new(0, x));
        let waker = shared::wakers::noop_waker();
        let mut polls = 0;
        while poll_with(&mut fut, &waker).is_pending() {
            polls += 1;
            assert!(
                polls < 10,
                "then(ready, ready) should be Ready within a few polls"
            );
        }
        // Rule 1 is the caller's to keep; a clear panic tells them they broke it.
        let _ = poll_with(&mut fut, &waker);
    }
}

mod e06_join {
    use super::*;
    use lesson_02::e06_join::*;
    use shared::test_futures::{ReadyAfter, WakeFromThread};
    use shared::{Harness, Probe};

    #[test]
    fn returns_both_outputs_in_order() {
        let run = Harness::new()
            .named("join(ReadyAfter(1), ReadyAfter(3))")
            .block_on(join(ReadyAfter::new(1, "left"), ReadyAfter::new(3, 7u8)));
        assert_eq!(run.output, ("left", 7));
    }

    #[test]
    fn left_finishes_first_and_is_not_polled_again() {
        let (a, a_probe) = Probe::new("left", ReadyAfter::new(0, 'a'));
        let (b, b_probe) = Probe::new("right", ReadyAfter::new(4, 'b'));
        let run = Harness::new()
            .named("join(left, right)")
            .block_on(join(a, b));
        assert_eq!(run.output, ('a', 'b'));
        assert_eq!(a_probe.polls(), 1, "left was Ready on its first poll");
        assert_eq!(b_probe.polls(), 5);
    }

    #[test]
    fn right_finishes_first_and_its_output_is_kept() {
        let (a, a_probe) = Probe::new(
            "left",
            WakeFromThread::new(Duration::from_millis(25), vec![1, 2]),
        );
        let (b, b_probe) = Probe::new("right", ReadyAfter::new(0, String::from("kept")));
        let run = Harness::new()
            .named("join(left, right)")
            .block_on(join(a, b));
        assert_eq!(run.output, (vec![1, 2], String::from("kept")));
        assert_eq!(b_probe.polls(), 1, "right was Ready on its first poll");
        assert!(a_probe.is_ready());
    }

    #[tokio::test(start_paused = true)]
    async fn children_run_concurrently() {
        let slow = Box::pin(async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            1
        });
        let fast = Box::pin(async {
            tokio::time::sleep(Duration::from_millis(30)).await;
            2
        });
        let start = tokio::time::Instant::now();
        let run = Harness::new()
            .named("join(50 ms, 30 ms)")
            .run(join(slow, fast))
            .await;
        assert_eq!(run.output, (1, 2));
        assert_about(
            "join of a 50 ms and a 30 ms sleep (they should overlap, not add up)",
            start.elapsed(),
            Duration::from_millis(50),
        );
    }
}

mod e07_fuse {
    use super::*;
    use futures::future::FusedFuture;
    use lesson_02::e07_fuse::*;
    use shared::test_futures::ReadyAfter;
    use shared::{Harness, Probe};

    #[test]
    fn behaves_like_the_inner_future() {
        let run = Harness::new()
            .named("fuse(ReadyAfter(2))")
            .block_on(fuse(ReadyAfter::new(2, 9)));
        assert_eq!(run.output, 9);
        assert_eq!(run.polls, 3);
    }

    #[test]
    fn pending_after_completion_without_polling_the_inner_future() {
        let (inner, probe) = Probe::new("inner", ReadyAfter::new(1, "once"));
        let mut fused = fuse(inner);
        let waker = shared::wakers::noop_waker();
        assert!(poll_with(&mut fused, &waker).is_pending());
        assert_eq!(poll_with(&mut fused, &waker), Poll::Ready("once"));
        for _ in 0..3 {
            assert!(
                poll_with(&mut fused, &waker).is_pending(),
                "a fused future answers Pending after it completed"
            );
        }
        assert_eq!(
            probe.polls(),
            2,
            "rule 1: the inner future was polled after Ready"
        );
    }

    #[test]
    fn is_terminated_once_the_output_was_returned() {
        let mut fused = fuse(ReadyAfter::new(1, ()));
        let waker = shared::wakers::noop_waker();
        assert!(!fused.is_terminated(), "terminated before the first poll");
        assert!(poll_with(&mut fused, &waker).is_pending());
        assert!(!fused.is_terminated(), "terminated while still pending");
        assert!(poll_with(&mut fused, &waker).is_ready());
        assert!(
            fused.is_terminated(),
            "FusedFuture (rule 1): is_terminated() must be true once Ready was returned"
        );
    }
}

mod e08_no_blocking {
    use super::*;
    use lesson_02::e08_no_blocking::*;
    use shared::Harness;

    #[tokio::test(start_paused = true)]
    async fn cooldown_waits_on_the_timer() {
        let start = tokio::time::Instant::now();
        let run = Harness::new()
            .named("Cooldown(40 ms)")
            .run(Cooldown::new("cool", Duration::from_millis(40)))
            .await;
        assert_eq!(run.output, "cool");
        assert_about(
            "Cooldown(40 ms)",
            start.elapsed(),
            Duration::from_millis(40),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn cooldown_leaves_the_thread_to_others() {
        // While one cooldown waits, a second one (on the same thread) must be able to start.
        let start = tokio::time::Instant::now();
        let a = Cooldown::new(1, Duration::from_millis(30));
        let b = Cooldown::new(2, Duration::from_millis(30));
        let run = Harness::new()
            .named("join(Cooldown, Cooldown)")
            .run(futures::future::join(a, b))
            .await;
        assert_eq!(run.output, (1, 2));
        assert_about(
            "two 30 ms cooldowns side by side",
            start.elapsed(),
            Duration::from_millis(30),
        );
    }

    #[tokio::test]
    async fn checksum_runs_off_the_executor_thread() {
        let data: Vec<u8> = (0..=255).collect();
        let expected = tokio::task::spawn_blocking({
            let data = data.clone();
            move || crunch(&data)
        })
        .await
        .unwrap();
        let run = Harness::new()
            .named("checksum")
            .blocking_threshold(Duration::from_millis(10))
            .run(checksum(data))
            .await;
        assert_eq!(run.output, expected);
    }
}

mod e09_wrappers {
    use super::*;
    use lesson_02::e09_wrappers::*;
    use shared::Harness;
    use shared::test_futures::PendingForever;
    use tokio::time::{Instant, sleep};

    #[tokio::test(start_paused = true)]
    async fn delayed_value_arrives_on_time() {
        let start = Instant::now();
        let run = Harness::new()
            .named("DelayedValue(30 ms)")
            .run(DelayedValue::new("gear", Duration::from_millis(30)))
            .await;
        assert_eq!(run.output, "gear");
        assert_about(
            "DelayedValue(30 ms)",
            start.elapsed(),
            Duration::from_millis(30),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn timeout_passes_a_quick_value_through() {
        let start = Instant::now();
        let fut = timeout(
            Duration::from_millis(50),
            DelayedValue::new(7, Duration::from_millis(20)),
        );
        let run = Harness::new().named("Timeout(50 ms)").run(fut).await;
        assert_eq!(run.output, Ok(7));
        assert_about(
            "a 20 ms value under a 50 ms timeout",
            start.elapsed(),
            Duration::from_millis(20),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn timeout_fires_at_the_limit() {
        let start = Instant::now();
        let fut = timeout(Duration::from_millis(50), PendingForever);
        let run = Harness::new()
            .named("Timeout(50 ms, never ready)")
            .run(fut)
            .await;
        assert_eq!(
            run.output,
            Err(Elapsed {
                limit: Duration::from_millis(50)
            })
        );
        assert_about(
            "a 50 ms timeout",
            start.elapsed(),
            Duration::from_millis(50),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn instrumented_counts_polls_and_measures_time() {
        let inner = Box::pin(async {
            sleep(Duration::from_millis(30)).await;
            sleep(Duration::from_millis(10)).await;
            "done"
        });
        // Built now, polled later: the 5 ms before the first poll are not the future's.
        let fut = Instrumented::new(inner);
        sleep(Duration::from_millis(5)).await;
        let run = Harness::new().named("Instrumented").run(fut).await;
        let (out, report) = run.output;
        assert_eq!(out, "done");
        assert_eq!(
            u64::from(report.polls),
            run.polls,
            "the report should count every poll of the inner future"
        );
        assert_about(
            "Report::elapsed runs from the first poll to Ready (the 5 ms before the first poll are not the future's)",
            report.elapsed,
            Duration::from_millis(40),
        );
    }
}

mod e10_into_future {
    use super::*;
    use lesson_02::e10_into_future::*;
    use shared::Harness;
    use std::future::IntoFuture;
    use tokio::time::Instant;

    /// Awaits a search under the harness, so a search that never wakes fails with a message
    /// instead of hanging.
    async fn run(search: Search) -> Vec<&'static str> {
        Harness::new()
            .named("Search")
            .run(search.into_future())
            .await
            .output
    }

    #[tokio::test(start_paused = true)]
    async fn finds_matches_in_catalogue_order() {
        // The point of IntoFuture: `.await` straight on the builder. (The timeout only turns a
        // search that never finishes into a failure instead of a hang.)
        let parts =
            tokio::time::timeout(Duration::from_secs(60), async { Search::new("gear").await })
                .await
                .expect("the search never finished");
        assert_eq!(
            parts,
            ["spur gear", "bevel gear", "worm gear", "helical gear"]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn limit_keeps_the_first_matches() {
        assert_eq!(
            run(Search::new("gear").limit(2)).await,
            ["spur gear", "bevel gear"]
        );
        assert_eq!(
            run(Search::new("worm").limit(1)).await,
            ["worm gear"],
            "limit applies to the matches, not to the catalogue"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn runs_when_awaited_and_takes_its_latency() {
        let query = Search::new("chain").latency(Duration::from_millis(50));
        // Building a query does nothing; time passing before the await is not part of it.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let start = Instant::now();
        let run = Harness::new()
            .named("Search(\"chain\")")
            .run(query.into_future())
            .await;
        assert_eq!(run.output, ["roller chain"]);
        assert_about(
            "a search with 50 ms latency",
            start.elapsed(),
            Duration::from_millis(50),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn default_latency() {
        let start = Instant::now();
        let parts = run(Search::new("pawl")).await;
        assert_eq!(parts, ["pawl"]);
        assert_about(
            "a search with the default latency",
            start.elapsed(),
            DEFAULT_LATENCY,
        );
    }
}

mod e11_block_on {
    use super::*;
    use lesson_02::e11_block_on::*;
    use shared::Probe;
    use shared::test_futures::{ReadyAfter, WakeFromThread};
    use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
    use std::sync::mpsc;
    use std::thread;

    /// Runs `f` on its own thread and waits at most 2 s for it, so a `block_on` that never wakes
    /// up fails the test instead of hanging it.
    fn within_2s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        thread::Builder::new()
            .name("block_on under test".into())
            .spawn(move || {
                let _ = tx.send(catch_unwind(AssertUnwindSafe(f)));
            })
            .unwrap();
        match rx.recv_timeout(Duration::from_secs(2)) {
            Ok(Ok(value)) => value,
            Ok(Err(panic)) => resume_unwind(panic),
            Err(_) => panic!(
                "block_on never returned: the future was woken but not polled again (rule 2, \
                 executor side: waking must unpark the thread that is parked in block_on)"
            ),
        }
    }

    #[test]
    fn returns_the_output() {
        assert_eq!(within_2s(|| block_on(async { 6 * 7 })), 42);
    }

    #[test]
    fn a_self_wake_gets_the_next_poll() {
        let (fut, probe) = Probe::new("ReadyAfter(5)", ReadyAfter::new(5, 'r'));
        assert_eq!(within_2s(move || block_on(fut)), 'r');
        assert_eq!(probe.polls(), 6, "5 Pendings and a Ready should be 6 polls");
    }

    #[test]
    fn sleeps_until_woken_from_another_thread() {
        let (fut, probe) = Probe::new(
            "WakeFromThread(30 ms)",
            WakeFromThread::new(Duration::from_millis(30), 9),
        );
        assert_eq!(within_2s(move || block_on(fut)), 9);
        assert!(
            probe.polls() <= 4,
            "busy polling (rule 4 at the executor: poll when woken, not in a loop): a future \
             woken once after 30 ms was polled {} times. Between polls, park the thread until \
             the waker unparks it",
            probe.polls()
        );
    }

    #[test]
    fn drives_a_chain_of_awaits() {
        let out = within_2s(|| {
            block_on(async {
                let a = WakeFromThread::new(Duration::from_millis(10), 40).await;
                let b = ReadyAfter::new(2, 2).await;
                a + b
            })
        });
        assert_eq!(out, 42);
    }
}
