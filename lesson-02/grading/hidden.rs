//! Hidden tests for lesson 02 (grading only; not in the student edition).
//!
//! Same behaviour as the visible tests, from other angles: other inputs, other wake patterns
//! (rotating wakers, polls from several threads, wakes from several threads), other delays.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

/// Polls `fut` once with `waker`.
fn poll_with<F: Future + Unpin>(fut: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(fut).poll(&mut Context::from_waker(waker))
}

/// Polls `fut` once on a new thread (with `waker`), then hands it back: a task moving between
/// worker threads.
fn poll_on_thread<F>(mut fut: F, waker: Waker) -> (F, Poll<F::Output>)
where
    F: Future + Unpin + Send + 'static,
    F::Output: Send,
{
    thread::spawn(move || {
        let poll = poll_with(&mut fut, &waker);
        (fut, poll)
    })
    .join()
    .expect("poll panicked")
}

/// Asserts a virtual duration, give or take the timer's 1 ms tick.
#[track_caller]
fn assert_about(what: &str, actual: Duration, expected: Duration) {
    assert!(
        actual >= expected && actual <= expected + Duration::from_millis(2),
        "{what}: expected {expected:?} of (virtual) time, took {actual:?}"
    );
}

fn assert_send<T: Send>(_: &T) {}

mod e01_ratchet {
    use super::*;
    use lesson_02::e01_ratchet::*;
    use shared::Harness;
    use shared::wakers::counting_waker;

    #[test]
    fn many_clicks() {
        let run = Harness::new()
            .named("Ratchet::new(500)")
            .block_on(Ratchet::new(500));
        assert_eq!((run.polls, run.output), (501, 501));
        assert_eq!(run.wakes, 500, "one wake before each Pending (rule 2)");
    }

    #[test]
    fn each_rotating_waker_is_woken_once_even_across_threads() {
        let mut ratchet = Ratchet::new(4);
        for poll in 1..=4 {
            let (waker, counts) = counting_waker();
            let (back, result) = poll_on_thread(ratchet, waker);
            ratchet = back;
            assert!(result.is_pending(), "poll #{poll} should be Pending");
            assert_eq!(
                counts.total_wakes(),
                1,
                "rule 2: poll #{poll} must wake the waker it was given"
            );
        }
        let (waker, _) = counting_waker();
        assert_eq!(poll_with(&mut ratchet, &waker), Poll::Ready(5));
    }

    #[test]
    fn same_waker_every_poll() {
        let run = Harness::new()
            .fresh_waker_each_poll(false)
            .block_on(Ratchet::new(7));
        assert_eq!(run.output, 8);
    }
}

mod e02_bell {
    use super::*;
    use lesson_02::e02_bell::*;
    use shared::Harness;
    use shared::test_futures::ReadyAfter;
    use shared::wakers::counting_waker;

    #[test]
    fn polled_from_several_threads_wakes_the_last_poller() {
        let (mut bell, ringer) = bell();
        assert_send(&bell);
        let mut counts = Vec::new();
        for _ in 0..4 {
            let (waker, c) = counting_waker();
            let (back, result) = poll_on_thread(bell, waker);
            bell = back;
            assert!(result.is_pending());
            counts.push(c);
        }
        ringer.ring();
        assert_eq!(
            counts[3].total_wakes(),
            1,
            "rule 2: the newest waker must be woken"
        );
        let old: u64 = counts[..3].iter().map(|c| c.total_wakes()).sum();
        assert_eq!(
            old, 0,
            "an older waker was woken instead of (or besides) the newest"
        );
        let (waker, _) = counting_waker();
        assert_eq!(poll_with(&mut bell, &waker), Poll::Ready(()));
    }

    #[test]
    fn rung_by_several_threads_at_once() {
        let (mut bell, ringer) = bell();
        let (waker, counts) = counting_waker();
        assert!(poll_with(&mut bell, &waker).is_pending());
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let ringer = ringer.clone();
                thread::spawn(move || ringer.ring())
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(
            counts.total_wakes() >= 1,
            "rule 2: ringing must wake the stored waker"
        );
        assert_eq!(poll_with(&mut bell, &waker), Poll::Ready(()));
        ringer.ring(); // ringing a finished bell is harmless
    }

    #[test]
    fn rotating_wakers_then_a_late_ring() {
        let (bell, ringer) = bell();
        let ring = thread::spawn(move || {
            thread::sleep(Duration::from_millis(45));
            ringer.ring();
        });
        let both = futures::future::join(ReadyAfter::new(6, 1), bell);
        let run = Harness::new()
            .named("join(ReadyAfter(6), Bell)")
            .block_on(both);
        ring.join().unwrap();
        assert_eq!(run.output, (1, ()));
    }
}

mod e03_delay {
    use super::*;
    use lesson_02::e03_delay::*;
    use shared::Harness;
    use shared::wakers::{WakeCounts, counting_waker};
    use std::sync::Arc;
    use std::time::Instant;

    fn settle(counts: &[Arc<WakeCounts>]) {
        let start = Instant::now();
        while counts.iter().all(|c| c.total_wakes() == 0)
            && start.elapsed() < Duration::from_secs(1)
        {
            thread::sleep(Duration::from_millis(2));
        }
        thread::sleep(Duration::from_millis(25));
    }

    #[test]
    fn zero_duration_is_ready_at_once_and_wakes_nobody() {
        let mut delay = Delay::new(Duration::ZERO);
        let (waker, counts) = counting_waker();
        assert_eq!(poll_with(&mut delay, &waker), Poll::Ready(()));
        thread::sleep(Duration::from_millis(10));
        assert_eq!(
            counts.total_wakes(),
            0,
            "a Delay that is already due needs no wake"
        );
    }

    #[test]
    fn alternating_wakers_only_the_last_is_woken() {
        let mut delay = Delay::new(Duration::from_millis(50));
        let (a, a_counts) = counting_waker();
        let (b, b_counts) = counting_waker();
        for waker in [&a, &b, &a, &b, &a, &b] {
            assert!(poll_with(&mut delay, waker).is_pending());
        }
        settle(&[a_counts.clone(), b_counts.clone()]);
        assert_eq!(
            (a_counts.total_wakes(), b_counts.total_wakes()),
            (0, 1),
            "(wakes of A, wakes of B): the last poll used B, so only B is woken, once"
        );
    }

    #[test]
    fn same_waker_many_times_is_woken_once() {
        let mut delay = Delay::new(Duration::from_millis(40));
        let (waker, counts) = counting_waker();
        for _ in 0..30 {
            assert!(poll_with(&mut delay, &waker).is_pending());
        }
        settle(std::slice::from_ref(&counts));
        assert_eq!(
            counts.total_wakes(),
            1,
            "thirty polls with one waker should cost one thread and one wake"
        );
        assert_eq!(poll_with(&mut delay, &waker), Poll::Ready(()));
    }

    #[test]
    fn polled_from_several_threads() {
        let start = Instant::now();
        let mut delay = Delay::new(Duration::from_millis(60));
        assert_send(&delay);
        let mut counts = Vec::new();
        for _ in 0..5 {
            let (waker, c) = counting_waker();
            let (back, result) = poll_on_thread(delay, waker);
            delay = back;
            assert!(result.is_pending(), "Ready before the deadline");
            counts.push(c);
        }
        settle(&counts);
        let wakes: Vec<u64> = counts.iter().map(|c| c.total_wakes()).collect();
        assert_eq!(wakes, [0, 0, 0, 0, 1], "only the last poll's waker, once");
        let (waker, _) = counting_waker();
        assert_eq!(poll_with(&mut delay, &waker), Poll::Ready(()));
        assert!(start.elapsed() >= Duration::from_millis(60));
    }

    #[test]
    fn short_and_long_delays_under_the_harness() {
        for ms in [5, 70] {
            let start = Instant::now();
            let run = Harness::new()
                .named(format!("Delay({ms} ms)"))
                .fresh_waker_each_poll(ms == 5)
                .block_on(Delay::new(Duration::from_millis(ms)));
            assert!(start.elapsed() >= Duration::from_millis(ms));
            assert!(run.polls <= 3);
        }
    }
}

mod e04_measure {
    use super::*;
    use lesson_02::e04_measure::*;
    use shared::test_futures::{ReadyAfter, WakeFromThread, YieldOnce};
    use shared::{Harness, Probe};

    /// A child that yields once (waking itself), then is ready with `value`.
    fn yield_then(value: u32) -> Pin<Box<dyn Future<Output = u32> + Send>> {
        Box::pin(async move {
            YieldOnce::default().await;
            value
        })
    }

    #[test]
    fn matches_the_async_fn_for_many_wake_patterns() {
        for wp in 0..4 {
            for hp in 0..4 {
                let by_compiler = Harness::new()
                    .fresh_waker_each_poll(false)
                    .block_on(measure(
                        ReadyAfter::new(wp, wp),
                        ReadyAfter::new(hp, hp + 10),
                    ));
                let (width, w) = Probe::new("width", ReadyAfter::new(wp, wp));
                let (height, h) = Probe::new("height", ReadyAfter::new(hp, hp + 10));
                let by_hand = Harness::new()
                    .fresh_waker_each_poll(false)
                    .block_on(Measure::new(width, height));
                assert_eq!(by_hand.output, by_compiler.output);
                assert_eq!(by_hand.polls, by_compiler.polls, "polls for ({wp}, {hp})");
                assert_eq!(
                    (w.polls(), h.polls()),
                    (u64::from(wp) + 1, u64::from(hp) + 1)
                );
            }
        }
    }

    #[test]
    fn thread_then_self_wake_and_back() {
        let width = yield_then(800);
        let height = WakeFromThread::new(Duration::from_millis(15), 600);
        let run = Harness::new().block_on(Measure::new(width, height));
        assert_eq!(run.output, "800x600");
        let width = WakeFromThread::new(Duration::from_millis(15), 2);
        let run = Harness::new().block_on(Measure::new(width, std::future::ready(3)));
        assert_eq!(run.output, "2x3");
    }

    #[test]
    fn lazy_until_polled() {
        let (width, w) = Probe::new("width", ReadyAfter::new(0, 1));
        let (height, h) = Probe::new("height", ReadyAfter::new(0, 1));
        let fut = Measure::new(width, height);
        assert_eq!(
            (w.polls(), h.polls()),
            (0, 0),
            "Measure::new must not poll anything"
        );
        let run = Harness::new().block_on(fut);
        assert_eq!(run.output, "1x1");
    }
}

mod e05_then {
    use super::*;
    use lesson_02::e05_then::*;
    use shared::test_futures::{ReadyAfter, WakeFromThread};
    use shared::{Harness, Probe};
    use std::panic::{AssertUnwindSafe, catch_unwind};

    #[test]
    fn both_steps_woken_from_threads() {
        let first = WakeFromThread::new(Duration::from_millis(10), String::from("pinion"));
        let fut = then(first, |name: String| {
            WakeFromThread::new(Duration::from_millis(10), name.len())
        });
        let run = Harness::new().named("then(thread, thread)").block_on(fut);
        assert_eq!(run.output, 6);
    }

    #[test]
    fn closure_can_move_out_what_it_owns() {
        // An FnOnce closure that gives away a captured value: it can only ever run once.
        let owned = vec![String::from("rack")];
        let fut = then(ReadyAfter::new(1, 0usize), move |i| {
            ReadyAfter::new(0, owned.into_iter().nth(i))
        });
        let run = Harness::new().block_on(fut);
        assert_eq!(run.output.as_deref(), Some("rack"));
    }

    #[test]
    fn chained_thens_polled_across_threads() {
        let (first, first_probe) = Probe::new("first", ReadyAfter::new(2, 1u64));
        let inner = then(first, |x| ReadyAfter::new(1, x * 10));
        let mut fut = then(inner, |x| ReadyAfter::new(2, x + 5));
        let mut result = Poll::Pending;
        for _ in 0..20 {
            let (back, r) = poll_on_thread(fut, shared::wakers::noop_waker());
            fut = back;
            if r.is_ready() {
                result = r;
                break;
            }
        }
        assert_eq!(result, Poll::Ready(15));
        assert_eq!(first_probe.polls(), 3);
    }

    #[test]
    fn panic_message_after_completion_names_the_problem() {
        let mut fut = then(ReadyAfter::new(0, 2), |x| ReadyAfter::new(1, x));
        let waker = shared::wakers::noop_waker();
        let mut polls = 0;
        while poll_with(&mut fut, &waker).is_pending() {
            polls += 1;
            assert!(polls < 10);
        }
        let err = catch_unwind(AssertUnwindSafe(|| poll_with(&mut fut, &waker)))
            .expect_err("polling a finished Then must panic");
        let msg = err
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| err.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        assert!(
            msg.contains("polled after completion"),
            "panic message was {msg:?}"
        );
    }
}

mod e06_join {
    use super::*;
    use lesson_02::e06_join::*;
    use shared::test_futures::{ReadyAfter, WakeFromThread};
    use shared::{Harness, Probe};

    #[test]
    fn every_pair_of_wake_patterns() {
        for ap in 0..4 {
            for bp in 0..4 {
                let (a, ha) = Probe::new("a", ReadyAfter::new(ap, ap));
                let (b, hb) = Probe::new("b", ReadyAfter::new(bp, String::from("b")));
                let run = Harness::new().block_on(join(a, b));
                assert_eq!(run.output, (ap, String::from("b")));
                assert_eq!(
                    (ha.polls(), hb.polls()),
                    (u64::from(ap) + 1, u64::from(bp) + 1)
                );
            }
        }
    }

    #[test]
    fn both_woken_from_threads_in_either_order() {
        // (Concurrency itself is timed under virtual time below; real-time bounds would be flaky.)
        for (da, db) in [(10, 40), (40, 10)] {
            let (a, ha) = Probe::new("a", WakeFromThread::new(Duration::from_millis(da), 'a'));
            let (b, hb) = Probe::new("b", WakeFromThread::new(Duration::from_millis(db), 'b'));
            let run = Harness::new().block_on(join(a, b));
            assert_eq!(run.output, ('a', 'b'));
            // Each child: Pending once, then Ready, plus at most one extra poll when the other
            // child's wake arrives first. (On a loaded machine the "faster" thread can fire
            // last, so which child gets the extra poll is not asserted.) A poll after Ready would
            // already have panicked inside the Probe.
            for (name, probe) in [("a", &ha), ("b", &hb)] {
                assert!(
                    (2..=3).contains(&probe.polls()),
                    "child {name} was polled {} times; expected 2 or 3",
                    probe.polls()
                );
            }
            assert!(ha.is_ready() && hb.is_ready());
        }
    }

    #[tokio::test(start_paused = true)]
    async fn three_way_by_nesting() {
        let sleepy = |ms, v| {
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                v
            })
        };
        let start = tokio::time::Instant::now();
        let fut = join(sleepy(20, 1), join(sleepy(60, 2), sleepy(40, 3)));
        let run = Harness::new().run(fut).await;
        assert_eq!(run.output, (1, (2, 3)));
        assert_about(
            "nested joins of 20, 60 and 40 ms",
            start.elapsed(),
            Duration::from_millis(60),
        );
    }
}

mod e07_fuse {
    use super::*;
    use futures::future::FusedFuture;
    use lesson_02::e07_fuse::*;
    use shared::test_futures::{PendingForever, ReadyAfter};
    use shared::{Harness, Probe};

    #[test]
    fn works_in_a_select_loop() {
        let (a, ha) = Probe::new("a", ReadyAfter::new(1, 10));
        let (b, hb) = Probe::new("b", ReadyAfter::new(3, 20));
        let mut a = fuse(a);
        let mut b = fuse(b);
        // Under the harness: a select! that never sees `complete` would otherwise wait forever.
        let run = Harness::new()
            .named("select! loop over two fused futures")
            .block_on(async {
                let mut total = 0;
                loop {
                    futures::select! {
                        x = a => total += x,
                        y = b => total += y,
                        complete => break,
                    }
                }
                total
            });
        assert_eq!(run.output, 30);
        assert_eq!((ha.polls(), hb.polls()), (2, 4));
        assert!(a.is_terminated() && b.is_terminated());
    }

    #[test]
    fn ready_at_once_then_terminated() {
        let mut f = fuse(std::future::ready('k'));
        let waker = shared::wakers::noop_waker();
        assert_eq!(poll_with(&mut f, &waker), Poll::Ready('k'));
        assert!(f.is_terminated());
        for _ in 0..5 {
            assert!(poll_with(&mut f, &waker).is_pending());
        }
    }

    #[test]
    fn never_ready_is_never_terminated() {
        let mut f = fuse(PendingForever);
        let waker = shared::wakers::noop_waker();
        for _ in 0..3 {
            assert!(poll_with(&mut f, &waker).is_pending());
            assert!(!f.is_terminated());
        }
    }
}

mod e08_no_blocking {
    use super::*;
    use lesson_02::e08_no_blocking::*;
    use shared::Harness;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn long_cooldown_costs_no_real_time() {
        let start = Instant::now();
        let real = std::time::Instant::now();
        let run = Harness::new()
            .run(Cooldown::new(vec![1, 2], Duration::from_millis(300)))
            .await;
        assert_eq!(run.output, vec![1, 2]);
        assert_about(
            "a 300 ms cooldown",
            start.elapsed(),
            Duration::from_millis(300),
        );
        assert!(
            real.elapsed() < Duration::from_millis(250),
            "a 300 ms cooldown on tokio's paused clock should take no real time, took {:?}",
            real.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn staggered_cooldowns() {
        let start = Instant::now();
        let fut = futures::future::join3(
            Cooldown::new('a', Duration::from_millis(30)),
            Cooldown::new('b', Duration::from_millis(10)),
            Cooldown::new('c', Duration::from_millis(20)),
        );
        let run = Harness::new().run(fut).await;
        assert_eq!(run.output, ('a', 'b', 'c'));
        assert_about(
            "cooldowns of 30, 10 and 20 ms together",
            start.elapsed(),
            Duration::from_millis(30),
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn two_checksums_and_a_ticker_share_one_thread() {
        let ticker = async {
            let mut ticks = 0;
            for _ in 0..4 {
                tokio::time::sleep(Duration::from_millis(5)).await;
                ticks += 1;
            }
            ticks
        };
        let one: Vec<u8> = b"spur gear".to_vec();
        let two: Vec<u8> = Vec::new();
        let fut = futures::future::join3(checksum(one), checksum(two), ticker);
        let run = Harness::new()
            .blocking_threshold(Duration::from_millis(10))
            .run(fut)
            .await;
        let (a, b, ticks) = run.output;
        assert_eq!(ticks, 4);
        assert_eq!(
            b, 0xcbf2_9ce4_8422_2325,
            "the hash of no bytes is the FNV offset basis"
        );
        assert_ne!(a, b);
    }
}

mod e09_wrappers {
    use super::*;
    use lesson_02::e09_wrappers::*;
    use shared::Harness;
    use shared::test_futures::{PendingForever, ReadyAfter, WakeFromThread};
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn value_ready_exactly_at_the_deadline_wins() {
        let value = DelayedValue::new("just in time", Duration::from_millis(30));
        let run = Harness::new()
            .run(timeout(Duration::from_millis(30), value))
            .await;
        assert_eq!(run.output, Ok("just in time"));
    }

    #[tokio::test(start_paused = true)]
    async fn zero_delay_and_non_copy_values() {
        let run = Harness::new()
            .run(DelayedValue::new(String::from("now"), Duration::ZERO))
            .await;
        assert_eq!(run.output, "now");
    }

    #[tokio::test]
    async fn timeout_with_a_thread_woken_inner_future() {
        let fut = timeout(
            Duration::from_millis(500),
            WakeFromThread::new(Duration::from_millis(10), 3),
        );
        let run = Harness::new().run(fut).await;
        assert_eq!(run.output, Ok(3));
    }

    #[tokio::test(start_paused = true)]
    async fn instrumented_timeout() {
        let start = Instant::now();
        let fut = Instrumented::new(timeout(Duration::from_millis(20), PendingForever));
        let run = Harness::new().run(fut).await;
        let (result, report) = run.output;
        let err = result.expect_err("PendingForever never finishes");
        assert_eq!(err.to_string(), "timed out after 20ms");
        let _: &dyn std::error::Error = &err;
        assert_eq!(u64::from(report.polls), run.polls);
        assert_about(
            "Instrumented(Timeout(20 ms))",
            report.elapsed,
            Duration::from_millis(20),
        );
        assert_about("the whole run", start.elapsed(), Duration::from_millis(20));
    }

    #[tokio::test(start_paused = true)]
    async fn instrumented_self_waking_future() {
        let fut = Instrumented::new(ReadyAfter::new(4, 'z'));
        tokio::time::sleep(Duration::from_millis(7)).await; // before the first poll: not counted
        let run = Harness::new().run(fut).await;
        let ('z', report) = run.output else {
            panic!("wrong output")
        };
        assert_eq!(report.polls, 5);
        assert_eq!(report.elapsed, Duration::ZERO, "no virtual time passed");
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
    async fn awaited_inside_a_spawned_task() {
        let handle = tokio::spawn(
            Search::new("worm")
                .latency(Duration::from_millis(5))
                .into_future(),
        );
        assert_eq!(handle.await.unwrap(), ["worm gear", "worm shaft"]);
    }

    #[tokio::test(start_paused = true)]
    async fn no_match_or_zero_limit_still_takes_the_round_trip() {
        let start = Instant::now();
        assert!(run(Search::new("flywheel")).await.is_empty());
        assert_about("a search with no matches", start.elapsed(), DEFAULT_LATENCY);
        assert!(run(Search::new("gear").limit(0)).await.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn two_queries_run_concurrently() {
        let start = Instant::now();
        let a = Search::new("p").limit(3).latency(Duration::from_millis(30));
        let b = Search::new("e").latency(Duration::from_millis(70)).limit(1);
        let run = Harness::new()
            .run(futures::future::join(a.into_future(), b.into_future()))
            .await;
        assert_eq!(run.output.0, ["spur gear", "pawl", "sprocket"]);
        assert_eq!(run.output.1, ["spur gear"]);
        assert_about(
            "queries of 30 and 70 ms side by side",
            start.elapsed(),
            Duration::from_millis(70),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_builder_can_be_cloned_and_reused() {
        let base = Search::new("ra").latency(Duration::from_millis(1));
        assert_eq!(run(base.clone()).await, ["ratchet wheel", "rack"]);
        assert_eq!(run(base.limit(1)).await, ["ratchet wheel"]);
    }
}

mod e11_block_on {
    use super::*;
    use lesson_02::e11_block_on::*;
    use shared::Probe;
    use shared::test_futures::WakeFromThread;
    use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::mpsc;
    use std::sync::{Arc, Mutex};

    fn within_2s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let _ = tx.send(catch_unwind(AssertUnwindSafe(f)));
        });
        match rx.recv_timeout(Duration::from_secs(2)) {
            Ok(Ok(v)) => v,
            Ok(Err(p)) => resume_unwind(p),
            Err(_) => panic!("block_on never returned: a wake did not unpark the executor thread"),
        }
    }

    /// Ready once three helper threads (waking at 5, 15 and 25 ms) have each checked in.
    struct ThreeThreads {
        arrived: Arc<AtomicU32>,
        waker: Arc<Mutex<Option<Waker>>>,
        started: bool,
    }

    impl Future for ThreeThreads {
        type Output = u32;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
            *self.waker.lock().unwrap() = Some(cx.waker().clone());
            if !self.started {
                self.started = true;
                for ms in [5, 15, 25] {
                    let (arrived, waker) = (self.arrived.clone(), self.waker.clone());
                    thread::spawn(move || {
                        thread::sleep(Duration::from_millis(ms));
                        arrived.fetch_add(1, Ordering::SeqCst);
                        if let Some(w) = waker.lock().unwrap().as_ref() {
                            w.wake_by_ref();
                        }
                    });
                }
            }
            match self.arrived.load(Ordering::SeqCst) {
                3 => Poll::Ready(3),
                _ => Poll::Pending,
            }
        }
    }

    #[test]
    fn wakes_from_several_threads() {
        let fut = ThreeThreads {
            arrived: Arc::default(),
            waker: Arc::default(),
            started: false,
        };
        let (fut, probe) = Probe::new("ThreeThreads", fut);
        assert_eq!(within_2s(move || block_on(fut)), 3);
        assert!(
            probe.polls() <= 6,
            "polled {} times for 3 wakes",
            probe.polls()
        );
    }

    #[test]
    fn two_executors_on_two_threads() {
        let one = thread::spawn(|| {
            within_2s(|| block_on(WakeFromThread::new(Duration::from_millis(30), 1)))
        });
        let two = thread::spawn(|| {
            within_2s(|| block_on(WakeFromThread::new(Duration::from_millis(10), 2)))
        });
        assert_eq!(one.join().unwrap() + two.join().unwrap(), 3);
    }

    #[test]
    fn a_wake_that_comes_before_park_is_not_lost() {
        // Woken from another thread *during* poll (before block_on gets to park).
        let out = within_2s(|| {
            block_on(async {
                let mut woke = false;
                std::future::poll_fn(move |cx| {
                    if woke {
                        return Poll::Ready(7);
                    }
                    woke = true;
                    let w = cx.waker().clone();
                    thread::spawn(move || w.wake()).join().unwrap();
                    Poll::Pending
                })
                .await
            })
        });
        assert_eq!(out, 7);
    }

    #[test]
    fn longer_wait_still_few_polls() {
        let (fut, probe) = Probe::new(
            "WakeFromThread(60 ms)",
            WakeFromThread::new(Duration::from_millis(60), ()),
        );
        within_2s(move || block_on(fut));
        assert!(probe.polls() <= 4, "busy polling: {} polls", probe.polls());
    }
}
