//! Hidden tests for lesson 02 (grading only; not in the student edition).
//!
//! Same behaviour as the visible tests, from other angles: other inputs, other wake patterns
//! (rotating wakers, polls from several threads, wakes from several threads), other delays, and
//! races run thousands of times. The helpers come from `shared::testing`, like the visible tests'.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use shared::testing::{assert_about, assert_send, poll_on_thread, poll_with};

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
        assert_eq!(
            (run.polls, run.output),
            (501, 501),
            "Ratchet::new(500): 500 Pendings and a Ready, and the output counts all 501 polls"
        );
        assert!(
            run.wakes >= 500,
            "rule 2: a wake before each of the 500 Pendings, but only {} wakes",
            run.wakes
        );
    }

    #[test]
    fn each_rotating_waker_is_woken_once_even_across_threads() {
        let mut ratchet = Ratchet::new(4);
        for poll in 1..=4 {
            let (waker, counts) = counting_waker();
            let (back, result) = poll_on_thread(ratchet, waker);
            ratchet = back;
            assert!(result.is_pending(), "poll #{poll} should be Pending");
            assert!(
                counts.total_wakes() >= 1,
                "rule 2: poll #{poll} must wake the waker it was given (this poll's, not an \
                 earlier one)"
            );
        }
        let (waker, _) = counting_waker();
        assert_eq!(
            poll_with(&mut ratchet, &waker),
            Poll::Ready(5),
            "Ratchet::new(4) is Ready(5) on its fifth poll"
        );
    }

    #[test]
    fn same_waker_every_poll() {
        let run = Harness::new()
            .fresh_waker_each_poll(false)
            .block_on(Ratchet::new(7));
        assert_eq!(
            run.output, 8,
            "Ratchet::new(7) outputs 8: every poll counts"
        );
    }
}

mod e02_bell {
    use super::*;
    use lesson_02::e02_bell::*;
    use shared::Harness;
    use shared::test_futures::ReadyAfter;
    use shared::testing::within;
    use shared::wakers::counting_waker;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    #[test]
    fn polled_from_several_threads_wakes_the_last_poller() {
        let (mut bell, ringer) = bell();
        assert_send(&bell);
        let mut counts = Vec::new();
        for _ in 0..4 {
            let (waker, c) = counting_waker();
            let (back, result) = poll_on_thread(bell, waker);
            bell = back;
            assert!(result.is_pending(), "a bell nobody rang must be Pending");
            counts.push(c);
        }
        ringer.ring();
        assert!(
            counts[3].total_wakes() >= 1,
            "rule 2: the newest waker must be woken"
        );
        let old: u64 = counts[..3].iter().map(|c| c.total_wakes()).sum();
        assert_eq!(
            old, 0,
            "an older waker was woken instead of (or besides) the newest"
        );
        let (waker, _) = counting_waker();
        assert_eq!(
            poll_with(&mut bell, &waker),
            Poll::Ready(()),
            "after the ring, the next poll must be Ready"
        );
    }

    #[test]
    fn rung_by_several_threads_at_once() {
        let (mut bell, ringer) = bell();
        let (waker, counts) = counting_waker();
        assert!(
            poll_with(&mut bell, &waker).is_pending(),
            "a bell nobody rang must be Pending"
        );
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let ringer = ringer.clone();
                thread::spawn(move || ringer.ring())
            })
            .collect();
        for t in threads {
            t.join().expect("Ringer::ring panicked");
        }
        assert!(
            counts.total_wakes() >= 1,
            "rule 2: ringing must wake the stored waker"
        );
        assert_eq!(
            poll_with(&mut bell, &waker),
            Poll::Ready(()),
            "after the rings, the next poll must be Ready"
        );
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
        ring.join().expect("Ringer::ring panicked");
        assert_eq!(
            run.output,
            (1, ()),
            "join(ReadyAfter, Bell) gives both outputs"
        );
    }

    /// Set in `go` when the poller has run out of time: the ringer stops.
    const STOP: usize = usize::MAX;

    /// Spins until `flag` reaches `value` (or STOP), yielding now and then so a busy machine
    /// still moves. Returns false on STOP.
    fn spin_until(flag: &AtomicUsize, value: usize) -> bool {
        let mut spins = 0u32;
        loop {
            match flag.load(Ordering::Acquire) {
                v if v == value => return true,
                STOP => return false,
                _ => {}
            }
            spins += 1;
            if spins.is_multiple_of(64) {
                thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    }

    #[test]
    fn thousands_of_rings_racing_polls_lose_no_wake() {
        // Each round, a poll and a ring start together (both threads spin on one counter), and
        // the ring is delayed by a different tiny amount each round, so that over the rounds it
        // lands at every point of the poll. Whichever way they interleave, the poll must see the
        // ring (Ready) or the ring must wake the waker the poll stored. Up to 20,000 rounds, for
        // at most 3 s of real time (a loaded machine runs fewer).
        const ROUNDS: usize = 20_000;
        let (lost, rounds) = within(
            Duration::from_secs(30),
            "the Bell race test did not finish (a poll or a ring never returned: a deadlock?)",
            || {
                let (bells, ringers): (Vec<Bell>, Vec<Ringer>) =
                    (0..ROUNDS).map(|_| bell()).unzip();
                let go = Arc::new(AtomicUsize::new(0));
                let done = Arc::new(AtomicUsize::new(0));
                let (their_go, their_done) = (go.clone(), done.clone());
                let ringing = thread::spawn(move || {
                    for (i, ringer) in ringers.into_iter().enumerate() {
                        if !spin_until(&their_go, i + 1) {
                            return;
                        }
                        for _ in 0..(i % 97) {
                            std::hint::spin_loop();
                        }
                        ringer.ring();
                        their_done.store(i + 1, Ordering::Release);
                    }
                });
                let began = Instant::now();
                let mut lost = 0;
                let mut rounds = 0;
                for (i, mut bell) in bells.into_iter().enumerate() {
                    if began.elapsed() > Duration::from_secs(3) {
                        break;
                    }
                    let (waker, counts) = counting_waker();
                    go.store(i + 1, Ordering::Release);
                    let pending = poll_with(&mut bell, &waker).is_pending();
                    spin_until(&done, i + 1);
                    rounds += 1;
                    // ring() has returned, so its wake has happened if there was one.
                    if pending && counts.total_wakes() == 0 {
                        lost += 1;
                    }
                }
                go.store(STOP, Ordering::Release);
                ringing.join().expect("Ringer::ring panicked");
                (lost, rounds)
            },
        );
        assert_eq!(
            lost, 0,
            "lost wakeup (rule 2): in {lost} of {rounds} rounds a ring racing a poll woke nobody \
             although the poll returned Pending. Check the flag and store the waker under one \
             lock, the same lock ring() takes"
        );
    }
}

mod e03_delay {
    use super::*;
    use lesson_02::e03_delay::*;
    use shared::Harness;
    use shared::testing::{threads_alive, wait_for_wakes};
    use shared::wakers::{WakeCounts, counting_waker};
    use std::sync::Arc;
    use std::time::Instant;

    /// Waits (real time, bounded) for the Delay's wake, then a little longer for late extra ones.
    fn settle(counts: &[Arc<WakeCounts>]) {
        wait_for_wakes(counts, Duration::from_secs(2), Duration::from_millis(25));
    }

    #[test]
    fn zero_duration_is_ready_at_once_and_wakes_nobody() {
        let mut delay = Delay::new(Duration::ZERO);
        let (waker, counts) = counting_waker();
        assert_eq!(
            poll_with(&mut delay, &waker),
            Poll::Ready(()),
            "Delay::new(0) is due at once: its first poll must be Ready"
        );
        thread::sleep(Duration::from_millis(10));
        assert_eq!(
            counts.total_wakes(),
            0,
            "a Delay that is already due needs no wake (and no helper thread)"
        );
    }

    #[test]
    fn alternating_wakers_only_the_last_is_woken() {
        let mut delay = Delay::new(Duration::from_millis(50));
        let (a, a_counts) = counting_waker();
        let (b, b_counts) = counting_waker();
        for waker in [&a, &b, &a, &b, &a, &b] {
            assert!(
                poll_with(&mut delay, waker).is_pending(),
                "Delay(50 ms) was Ready before its deadline"
            );
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
            assert!(
                poll_with(&mut delay, &waker).is_pending(),
                "Delay(40 ms) was Ready before its deadline"
            );
        }
        settle(std::slice::from_ref(&counts));
        assert_eq!(
            counts.total_wakes(),
            1,
            "thirty polls with one waker should cost one thread and one wake"
        );
        assert_eq!(
            poll_with(&mut delay, &waker),
            Poll::Ready(()),
            "past the deadline, the Delay must be Ready"
        );
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
        assert_eq!(
            poll_with(&mut delay, &waker),
            Poll::Ready(()),
            "past the deadline, the Delay must be Ready"
        );
        assert!(
            start.elapsed() >= Duration::from_millis(60),
            "Delay(60 ms) finished after {:?}: never before the deadline",
            start.elapsed()
        );
    }

    #[test]
    fn many_wakers_from_many_threads_one_helper_thread() {
        // A long delay costs nothing here: the test only counts threads, it does not wait.
        let mut delay = Delay::new(Duration::from_secs(2));
        let before = threads_alive();
        for poll in 1..=20 {
            let (waker, _) = counting_waker();
            let (back, result) = poll_on_thread(delay, waker);
            delay = back;
            assert!(
                result.is_pending(),
                "poll #{poll}: Ready before the deadline"
            );
        }
        let added = threads_alive().saturating_sub(before);
        assert!(
            added <= 9,
            "at most one helper thread: 20 polls, each from another thread with another waker, \
             left {added} more threads running"
        );
    }

    #[test]
    fn polled_first_after_part_of_the_delay() {
        // Counted from new(): 30 ms of a 60 ms delay pass before the first poll.
        let start = Instant::now();
        let delay = Delay::new(Duration::from_millis(60));
        thread::sleep(Duration::from_millis(30));
        let run = Harness::new()
            .named("Delay(60 ms), first polled after 30 ms")
            .block_on(delay);
        assert!(
            start.elapsed() >= Duration::from_millis(60),
            "Ready before the deadline"
        );
        assert!(
            run.polls <= 3,
            "a Delay woken once needs about 2 polls, not {}",
            run.polls
        );
    }

    #[test]
    fn short_and_long_delays_under_the_harness() {
        for ms in [5, 70] {
            let start = Instant::now();
            let run = Harness::new()
                .named(format!("Delay({ms} ms)"))
                .fresh_waker_each_poll(ms == 5)
                .blocking_threshold(Duration::from_millis(10))
                .block_on(Delay::new(Duration::from_millis(ms)));
            assert!(
                start.elapsed() >= Duration::from_millis(ms),
                "Delay({ms} ms) was Ready before its deadline"
            );
            assert!(
                run.polls <= 3,
                "Delay({ms} ms) woken once needs about 2 polls, not {}",
                run.polls
            );
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
                assert_eq!(
                    by_hand.output, by_compiler.output,
                    "Measure must give the same output as measure()"
                );
                assert_eq!(
                    by_hand.polls, by_compiler.polls,
                    "width Pending {wp} times, height {hp} times: the async fn needs {} polls, \
                     Measure needed {}. Poll height in the same call that width finishes in",
                    by_compiler.polls, by_hand.polls
                );
                assert_eq!(
                    (w.polls(), h.polls()),
                    (u64::from(wp) + 1, u64::from(hp) + 1),
                    "(polls of width, polls of height): each child is polled until Ready, once \
                     per poll of Measure, and never again (rule 1)"
                );
            }
        }
    }

    #[test]
    fn thread_then_self_wake_and_back() {
        let width = yield_then(800);
        let height = WakeFromThread::new(Duration::from_millis(15), 600);
        let run = Harness::new().block_on(Measure::new(width, height));
        assert_eq!(run.output, "800x600", "Measure(800, 600) gives \"800x600\"");
        let width = WakeFromThread::new(Duration::from_millis(15), 2);
        let run = Harness::new().block_on(Measure::new(width, std::future::ready(3)));
        assert_eq!(run.output, "2x3", "Measure(2, 3) gives \"2x3\"");
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
        assert_eq!(run.output, "1x1", "Measure(1, 1) gives \"1x1\"");
    }
}

mod e05_then {
    use super::*;
    use lesson_02::e05_then::*;
    use shared::test_futures::{ReadyAfter, WakeFromThread};
    use shared::testing::expect_panic;
    use shared::{Harness, Probe};

    #[test]
    fn both_steps_woken_from_threads() {
        let first = WakeFromThread::new(Duration::from_millis(10), String::from("pinion"));
        let fut = then(first, |name: String| {
            WakeFromThread::new(Duration::from_millis(10), name.len())
        });
        let run = Harness::new().named("then(thread, thread)").block_on(fut);
        assert_eq!(run.output, 6, "then(\"pinion\", len) outputs 6");
    }

    #[test]
    fn closure_can_move_out_what_it_owns() {
        // An FnOnce closure that gives away a captured value: it can only ever run once.
        let owned = vec![String::from("rack")];
        let fut = then(ReadyAfter::new(1, 0usize), move |i| {
            ReadyAfter::new(0, owned.into_iter().nth(i))
        });
        let run = Harness::new().block_on(fut);
        assert_eq!(
            run.output.as_deref(),
            Some("rack"),
            "the closure's future outputs what the closure moved into it"
        );
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
        assert_eq!(
            result,
            Poll::Ready(15),
            "then(then(1, x*10), x+5) outputs 15 within 20 polls"
        );
        assert_eq!(
            first_probe.polls(),
            3,
            "rule 1: first (Pending twice, then Ready) must be polled exactly 3 times"
        );
    }

    #[test]
    fn panic_message_after_completion_names_the_problem() {
        let mut fut = then(ReadyAfter::new(0, 2), |x| ReadyAfter::new(1, x));
        let waker = shared::wakers::noop_waker();
        let mut polls = 0;
        while poll_with(&mut fut, &waker).is_pending() {
            polls += 1;
            assert!(
                polls < 10,
                "then(ready, ReadyAfter(1)) should be Ready within a few polls"
            );
        }
        let msg = expect_panic(
            "a Then polled again after it returned Ready must panic with \"polled after \
             completion\", but it returned quietly",
            || poll_with(&mut fut, &waker),
        );
        assert!(
            msg.contains("polled after completion"),
            "a Then polled after Ready must panic with \"polled after completion\"; the panic \
             said {msg:?}"
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
                assert_eq!(
                    run.output,
                    (ap, String::from("b")),
                    "join(a, b) outputs (a's output, b's output)"
                );
                assert_eq!(
                    (ha.polls(), hb.polls()),
                    (u64::from(ap) + 1, u64::from(bp) + 1),
                    "(polls of a, polls of b): each child polled on every poll of the Join until \
                     it is Ready, and never after (rule 1)"
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
            assert_eq!(run.output, ('a', 'b'), "join(a, b) outputs both, in order");
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
            assert!(
                ha.is_ready() && hb.is_ready(),
                "both children must be polled until Ready"
            );
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
        assert_eq!(
            run.output,
            (1, (2, 3)),
            "nested joins keep every output in place"
        );
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
        assert_eq!(
            run.output, 30,
            "select! over both fused futures adds 10 and 20"
        );
        assert_eq!(
            (ha.polls(), hb.polls()),
            (2, 4),
            "rule 1: select! skips a terminated Fuse, and a Fuse never polls a finished inner \
             future"
        );
        assert!(
            a.is_terminated() && b.is_terminated(),
            "both Fuses report is_terminated() once they returned their output"
        );
    }

    #[test]
    fn ready_at_once_then_terminated() {
        let mut f = fuse(std::future::ready('k'));
        let waker = shared::wakers::noop_waker();
        assert_eq!(
            poll_with(&mut f, &waker),
            Poll::Ready('k'),
            "fuse(ready('k')) is Ready on its first poll"
        );
        assert!(f.is_terminated(), "terminated once the output was returned");
        for _ in 0..5 {
            assert!(
                poll_with(&mut f, &waker).is_pending(),
                "a terminated Fuse answers Pending (std's Ready itself would panic: rule 1)"
            );
        }
    }

    #[test]
    fn never_ready_is_never_terminated() {
        let mut f = fuse(PendingForever);
        let waker = shared::wakers::noop_waker();
        for _ in 0..3 {
            assert!(
                poll_with(&mut f, &waker).is_pending(),
                "fuse(PendingForever) stays Pending"
            );
            assert!(
                !f.is_terminated(),
                "a Fuse whose inner future never finished is not terminated"
            );
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
        assert_eq!(run.output, vec![1, 2], "a Cooldown outputs its value");
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
        let run = Harness::new()
            // Half the shortest cool-down: a poll that naps is blocking (rule 3).
            .blocking_threshold(Duration::from_millis(10) / 2)
            .run(fut)
            .await;
        assert_eq!(
            run.output,
            ('a', 'b', 'c'),
            "each Cooldown outputs its value"
        );
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
        assert_eq!(
            ticks, 4,
            "the ticker beside the checksums must tick 4 times"
        );
        assert_eq!(
            b, 0xcbf2_9ce4_8422_2325,
            "the hash of no bytes is the FNV offset basis"
        );
        assert_eq!(
            a, 0xb1b1_dafc_c4c4_7da4,
            "checksum(b\"spur gear\") must be crunch's FNV-1a hash of those bytes"
        );
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
        assert_eq!(
            run.output,
            Ok("just in time"),
            "a value ready exactly at the deadline still counts: poll the inner future first"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn zero_delay_and_non_copy_values() {
        let run = Harness::new()
            .run(DelayedValue::new(String::from("now"), Duration::ZERO))
            .await;
        assert_eq!(run.output, "now", "a DelayedValue outputs its value");
    }

    #[tokio::test]
    async fn timeout_with_a_thread_woken_inner_future() {
        let fut = timeout(
            Duration::from_millis(500),
            WakeFromThread::new(Duration::from_millis(10), 3),
        );
        let run = Harness::new().run(fut).await;
        assert_eq!(
            run.output,
            Ok(3),
            "a value ready within the limit comes out as Ok"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn instrumented_timeout() {
        let start = Instant::now();
        let fut = Instrumented::new(timeout(Duration::from_millis(20), PendingForever));
        let run = Harness::new().run(fut).await;
        let (result, report) = run.output;
        let err = result
            .expect_err("Timeout(20 ms) of a future that never finishes must give Err(Elapsed)");
        assert_eq!(
            err.to_string(),
            "timed out after 20ms",
            "Elapsed displays its limit"
        );
        let _: &dyn std::error::Error = &err;
        assert_eq!(
            u64::from(report.polls),
            run.polls,
            "the report counts every poll of the inner future"
        );
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
            panic!("Instrumented must pass the inner future's output ('z') through")
        };
        assert_eq!(
            report.polls, 5,
            "ReadyAfter(4) is polled 5 times, the report says so"
        );
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
        assert_eq!(
            handle.await.expect("the spawned search panicked"),
            ["worm gear", "worm shaft"],
            "both worm parts, in catalogue order"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn no_match_or_zero_limit_still_takes_the_round_trip() {
        let start = Instant::now();
        assert!(
            run(Search::new("flywheel")).await.is_empty(),
            "no part contains \"flywheel\""
        );
        assert_about("a search with no matches", start.elapsed(), DEFAULT_LATENCY);
        assert!(
            run(Search::new("gear").limit(0)).await.is_empty(),
            "limit(0) returns nothing"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn two_queries_run_concurrently() {
        let start = Instant::now();
        let a = Search::new("p").limit(3).latency(Duration::from_millis(30));
        let b = Search::new("e").latency(Duration::from_millis(70)).limit(1);
        let run = Harness::new()
            .run(futures::future::join(a.into_future(), b.into_future()))
            .await;
        assert_eq!(
            run.output.0,
            ["spur gear", "pawl", "sprocket"],
            "the first three parts containing \"p\""
        );
        assert_eq!(
            run.output.1,
            ["spur gear"],
            "the first part containing \"e\""
        );
        assert_about(
            "queries of 30 and 70 ms side by side",
            start.elapsed(),
            Duration::from_millis(70),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_builder_can_be_cloned_and_reused() {
        let base = Search::new("ra").latency(Duration::from_millis(1));
        assert_eq!(
            run(base.clone()).await,
            ["ratchet wheel", "rack"],
            "a cloned builder runs the same query"
        );
        assert_eq!(
            run(base.limit(1)).await,
            ["ratchet wheel"],
            "the original builder can still be changed and awaited"
        );
    }
}

mod e11_block_on {
    use super::*;
    use lesson_02::e11_block_on::*;
    use shared::Probe;
    use shared::cpu::Usage;
    use shared::test_futures::{ReadyAfter, WakeFromThread};
    use shared::testing::{Summoned, within};
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, Mutex};

    const LIMIT: Duration = Duration::from_secs(3);
    const NEVER_RETURNED: &str = "block_on never returned: a wake did not lead to another poll \
         (rule 2, executor side: the waker must reach the parked executor thread, and a wake \
         that came during poll must not be forgotten, even if code inside poll parks too)";

    /// Ready once three helper threads (waking at 5, 15 and 25 ms) have each checked in.
    struct ThreeThreads {
        arrived: Arc<AtomicU32>,
        waker: Arc<Mutex<Option<Waker>>>,
        started: bool,
    }

    impl Future for ThreeThreads {
        type Output = u32;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
            *self.waker.lock().expect("waker slot") = Some(cx.waker().clone());
            if !self.started {
                self.started = true;
                for ms in [5, 15, 25] {
                    let (arrived, waker) = (self.arrived.clone(), self.waker.clone());
                    thread::spawn(move || {
                        thread::sleep(Duration::from_millis(ms));
                        arrived.fetch_add(1, Ordering::SeqCst);
                        if let Some(w) = waker.lock().expect("waker slot").as_ref() {
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
        assert_eq!(
            within(LIMIT, NEVER_RETURNED, move || block_on(fut)),
            3,
            "block_on must return the future's output"
        );
        assert!(
            probe.polls() <= 6,
            "polled {} times for 3 wakes: poll once per wake, not in a loop",
            probe.polls()
        );
    }

    #[test]
    fn two_executors_on_two_threads() {
        let one = thread::spawn(|| {
            within(LIMIT, NEVER_RETURNED, || {
                block_on(WakeFromThread::new(Duration::from_millis(30), 1))
            })
        });
        let two = thread::spawn(|| {
            within(LIMIT, NEVER_RETURNED, || {
                block_on(WakeFromThread::new(Duration::from_millis(10), 2))
            })
        });
        let sum = one
            .join()
            .expect("the first executor's test thread panicked")
            + two
                .join()
                .expect("the second executor's test thread panicked");
        assert_eq!(sum, 3, "each block_on returns its own future's output");
    }

    #[test]
    fn a_wake_that_comes_before_park_is_not_lost() {
        // Woken from another thread *during* poll (before block_on gets to park).
        let out = within(LIMIT, NEVER_RETURNED, || {
            block_on(async {
                let mut woke = false;
                std::future::poll_fn(move |cx| {
                    if woke {
                        return Poll::Ready(7);
                    }
                    woke = true;
                    let w = cx.waker().clone();
                    thread::spawn(move || w.wake())
                        .join()
                        .expect("the waking thread panicked");
                    Poll::Pending
                })
                .await
            })
        });
        assert_eq!(out, 7, "block_on must return the future's output");
    }

    #[test]
    fn a_nested_block_on_inside_poll_does_not_steal_the_wake() {
        // The outer future wakes itself, then runs a nested block_on (of the learner's own) whose
        // future is woken from a thread: the nested executor parks this same thread.
        let out = within(LIMIT, NEVER_RETURNED, || {
            let mut asked = false;
            block_on(std::future::poll_fn(move |cx| {
                if asked {
                    return Poll::Ready("outer done");
                }
                asked = true;
                cx.waker().wake_by_ref();
                let inner = block_on(WakeFromThread::new(Duration::from_millis(3), 5));
                assert_eq!(inner, 5, "the nested block_on returns its future's output");
                Poll::Pending
            }))
        });
        assert_eq!(
            out, "outer done",
            "block_on must return the future's output"
        );
    }

    #[test]
    fn a_scoped_thread_inside_poll_does_not_steal_the_wake() {
        let out = within(LIMIT, NEVER_RETURNED, || {
            let mut asked = false;
            block_on(std::future::poll_fn(move |cx| {
                if asked {
                    return Poll::Ready(1);
                }
                asked = true;
                let waker = cx.waker().clone();
                // The scoped thread wakes us, then takes a while: scope() parks until it ends.
                thread::scope(|scope| {
                    scope.spawn(move || {
                        waker.wake();
                        thread::sleep(Duration::from_millis(3));
                    });
                });
                Poll::Pending
            }))
        });
        assert_eq!(out, 1, "block_on must return the future's output");
    }

    #[test]
    fn longer_wait_still_few_polls() {
        let (fut, probe) = Probe::new(
            "WakeFromThread(60 ms)",
            WakeFromThread::new(Duration::from_millis(60), ()),
        );
        within(LIMIT, NEVER_RETURNED, move || block_on(fut));
        assert!(
            probe.polls() <= 4,
            "busy polling: {} polls for one wake",
            probe.polls()
        );
    }

    #[test]
    fn many_wakes_each_answered_by_one_prompt_poll() {
        let log = within(LIMIT, NEVER_RETURNED, || {
            block_on(Summoned::new(8, Duration::from_millis(6)))
        });
        assert!(
            log.unwoken_polls <= 1,
            "{} of {} polls came without a wake: poll when woken, not on a timer",
            log.unwoken_polls,
            log.polls
        );
        assert!(
            log.worst_latency() < Duration::from_millis(60),
            "a wake was answered only {:?} later: the waker must unpark the executor",
            log.worst_latency()
        );
    }

    #[test]
    fn self_waking_future_costs_little_cpu_per_poll() {
        // 2000 self-wakes: a correct block_on polls 2001 times and never parks for long.
        let (fut, probe) = Probe::new("ReadyAfter(2000)", ReadyAfter::new(2000, ()));
        within(LIMIT, NEVER_RETURNED, move || block_on(fut));
        assert_eq!(
            probe.polls(),
            2001,
            "a future that wakes itself 2000 times must be polled 2001 times: one poll per wake"
        );
    }

    #[test]
    fn a_long_wait_costs_no_cpu() {
        let spent = within(LIMIT, NEVER_RETURNED, || {
            let before = Usage::this_thread();
            block_on(Summoned::new(2, Duration::from_millis(50)));
            Usage::this_thread().since(&before)
        });
        assert!(
            spent.cpu < Duration::from_millis(5),
            "block_on spent {:?} of CPU waiting 100 ms for two wakes: park between wakes, \
             don't spin",
            spent.cpu
        );
    }
}
