//! Visible tests for lesson 02, one module per exercise (`cargo xtask check lesson-02`).
//!
//! Futures run under the `shared` harness wherever possible: when a future breaks a poll rule, the
//! harness stops it and the failure names the rule (see the lesson README for the four rules). The
//! assertions written here name the rule, or the promise of the exercise's docs, in their messages
//! too. The helpers (`poll_with`, `assert_about`, `within`, ...) come from `shared::testing`, shared
//! with the hidden tests and every other lesson.

use std::task::Poll;
use std::time::Duration;

use shared::testing::{assert_about, poll_with};

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
        assert_eq!(
            run.output, 1,
            "Ratchet::new(0) is Ready on its first poll, so its output (the polls) is 1"
        );
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
            assert!(
                counts.total_wakes() >= 1,
                "rule 2 (arrange a wake before Pending): poll #{poll} returned Pending without \
                 waking the waker it was given. Call `cx.waker().wake_by_ref()` before Pending"
            );
        }
        let (waker, _) = counting_waker();
        assert_eq!(
            poll_with(&mut ratchet, &waker),
            Poll::Ready(3),
            "Ratchet::new(2): Pending twice, then Ready(3) on the third poll"
        );
    }
}

mod e02_bell {
    use super::*;
    use lesson_02::e02_bell::*;
    use shared::Harness;
    use shared::test_futures::ReadyAfter;
    use shared::testing::{wait_for_wakes, within};
    use shared::wakers::{WakeCounts, WakeHooks, counting_waker, hooked_waker};
    use std::sync::mpsc;
    use std::sync::{Arc, Mutex};
    use std::thread;

    #[test]
    fn ringing_from_another_thread_completes_it() {
        let (bell, ringer) = bell();
        let ring = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            ringer.ring();
        });
        let run = Harness::new().named("Bell").block_on(bell);
        ring.join()
            .expect("the ringing thread panicked in Ringer::ring");
        assert!(
            run.polls <= 3,
            "one ring should need about 2 polls, not {}: poll again only when woken",
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
        assert!(
            poll_with(&mut bell, &first).is_pending(),
            "a bell nobody rang must be Pending"
        );
        assert!(
            poll_with(&mut bell, &second).is_pending(),
            "a bell nobody rang must be Pending"
        );
        thread::spawn(move || ringer.ring())
            .join()
            .expect("the ringing thread panicked in Ringer::ring");
        assert!(
            second_counts.total_wakes() >= 1,
            "rule 2: the bell was polled with a new waker, so ringing must wake that newest waker"
        );
        assert_eq!(
            first_counts.total_wakes(),
            0,
            "ringing woke the waker of an earlier poll: replace the stored waker on every poll"
        );
        assert_eq!(
            poll_with(&mut bell, &second),
            Poll::Ready(()),
            "after the ring, the next poll must be Ready"
        );
    }

    /// A waker that rings the bell from another thread at the moment the bell clones it: the
    /// worst moment for a poll that checked "not rung yet" and has not stored its waker.
    struct RingsWhenCloned {
        counts: Arc<WakeCounts>,
        ringer: Mutex<Option<Ringer>>,
    }

    impl WakeHooks for RingsWhenCloned {
        fn on_wake(&self, by_ref: bool) {
            self.counts.on_wake(by_ref);
        }
        fn on_clone(&self) {
            let Some(ringer) = self.ringer.lock().expect("ringer slot").take() else {
                return;
            };
            let (done, finished) = mpsc::channel();
            thread::spawn(move || {
                ringer.ring();
                let _ = done.send(());
            });
            // A correct bell holds its lock here, so the ring waits for it: give up after a while
            // and let the poll finish. A bell without that lock lets the ring run to the end now.
            let _ = finished.recv_timeout(Duration::from_millis(15));
        }
    }

    #[test]
    fn a_ring_while_the_waker_is_being_stored_is_not_lost() {
        within(
            Duration::from_secs(10),
            "the race test of Bell never finished",
            || {
                for round in 1..=4 {
                    let (mut bell, ringer) = bell();
                    let counts = Arc::new(WakeCounts::default());
                    let hooks = Arc::new(RingsWhenCloned {
                        counts: counts.clone(),
                        ringer: Mutex::new(Some(ringer)),
                    });
                    let waker = hooked_waker(hooks);
                    if poll_with(&mut bell, &waker).is_ready() {
                        continue; // it saw the ring: fine
                    }
                    let woken = wait_for_wakes(&[counts], Duration::from_secs(1), Duration::ZERO);
                    assert!(
                        woken,
                        "lost wakeup (rule 2), round {round}: poll returned Pending, then a ring \
                         woke nobody. Either poll did not leave its waker where ring() finds it, \
                         or the ring came while poll was storing it (after it had checked 'not \
                         rung yet') and found the slot still empty. Check the flag and store the \
                         waker in one step, under the same lock ring() takes to set the flag and \
                         take the waker"
                    );
                }
            },
        );
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
        ring.join()
            .expect("the ringing thread panicked in Ringer::ring");
        assert_eq!(
            run.output,
            ((), "other"),
            "join(Bell, ReadyAfter) should finish with both outputs"
        );
    }
}

mod e03_delay {
    use super::*;
    use lesson_02::e03_delay::*;
    use shared::Harness;
    use shared::test_futures::ReadyAfter;
    use shared::testing::{threads_alive, wait_for_wakes};
    use shared::wakers::counting_waker;
    use std::thread;
    use std::time::Instant;

    /// Other tests of this binary run beside ours and start threads too: a Delay may add one
    /// helper thread, the rest of this margin is theirs.
    const THREAD_NOISE: usize = 8;

    #[test]
    fn completes_after_its_deadline() {
        let delay = Duration::from_millis(40);
        let start = Instant::now();
        let run = Harness::new()
            .named("Delay(40 ms)")
            // A poll only checks a clock and a lock: anything near the delay itself is blocking.
            .blocking_threshold(delay / 4)
            .block_on(Delay::new(delay));
        assert!(
            start.elapsed() >= delay,
            "Delay(40 ms) was Ready after {:?}: never before the deadline",
            start.elapsed()
        );
        assert!(
            run.polls <= 3,
            "a Delay woken once by its thread needs about 2 polls, not {}: wake only at the \
             deadline",
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
        let woken = wait_for_wakes(&[counts], Duration::from_secs(2), Duration::ZERO);
        assert!(
            woken,
            "lost wakeup (rule 2): Delay(80 ms) never woke its waker at the deadline"
        );
        assert_eq!(
            poll_with(&mut delay, &waker),
            Poll::Ready(()),
            "after its wake, past the deadline, the Delay should be Ready"
        );
    }

    #[test]
    fn a_deadline_that_passed_before_the_first_poll_is_ready_at_once() {
        // The deadline counts from `Delay::new`, not from the first poll.
        let mut delay = Delay::new(Duration::from_millis(20));
        thread::sleep(Duration::from_millis(40));
        let (waker, _) = counting_waker();
        assert_eq!(
            poll_with(&mut delay, &waker),
            Poll::Ready(()),
            "Delay::new(20 ms) polled for the first time 40 ms later must be Ready at once: the \
             delay counts from new(), as its docs say, not from the first poll"
        );
    }

    #[test]
    fn fifty_polls_one_thread_one_wake_of_the_latest_waker() {
        let mut delay = Delay::new(Duration::from_millis(100));
        let before = threads_alive();
        let mut all = Vec::new();
        for poll in 1..=50 {
            let (waker, counts) = counting_waker();
            assert!(
                poll_with(&mut delay, &waker).is_pending(),
                "poll #{poll}: Ready before the deadline"
            );
            all.push(counts);
        }
        let added = threads_alive().saturating_sub(before);
        assert!(
            added <= 1 + THREAD_NOISE,
            "at most one helper thread, however often the Delay is polled: 50 polls with 50 \
             different wakers left {added} more threads running. Start the thread once (remember \
             that you did) and let it read the newest waker from the shared slot when it fires"
        );
        wait_for_wakes(&all, Duration::from_secs(2), Duration::from_millis(25));
        let latest = all.last().expect("fifty wakers").total_wakes();
        let older: u64 = all[..49].iter().map(|c| c.total_wakes()).sum();
        assert!(
            latest >= 1,
            "rule 2: the waker of the most recent poll must be woken at the deadline ({older} \
             wakers of earlier polls were woken instead). Replace the stored waker on every poll"
        );
        assert_eq!(
            older, 0,
            "only the newest waker may be woken, yet {older} wakers of earlier polls were woken \
             too. A Delay needs one helper thread in all, and it wakes the waker stored last"
        );
        assert_eq!(
            latest, 1,
            "the Delay's docs promise one wake at the deadline, but the newest waker was woken \
             {latest} times: one thread, one wake"
        );
        let (waker, _) = counting_waker();
        assert_eq!(
            poll_with(&mut delay, &waker),
            Poll::Ready(()),
            "past the deadline, the Delay must be Ready"
        );
    }

    #[test]
    fn works_inside_a_join_that_polls_it_often() {
        let both = futures::future::join(
            Delay::new(Duration::from_millis(30)),
            ReadyAfter::new(4, 'x'),
        );
        let run = Harness::new()
            .named("join(Delay, ReadyAfter(4))")
            .blocking_threshold(Duration::from_millis(10))
            .block_on(both);
        assert_eq!(
            run.output,
            ((), 'x'),
            "join(Delay, ReadyAfter) should finish with both outputs"
        );
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
            assert_eq!(
                by_hand.output, by_compiler.output,
                "Measure must give the same output as measure(): \"{{w}}x{{h}}\""
            );
            assert_eq!(
                by_hand.polls, by_compiler.polls,
                "width Pending {wp} times, height {hp} times: the async fn needs {} polls, yours \
                 needed {}. When width is Ready, go straight on to poll height in the same call \
                 (no extra Pending, no extra wake)",
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
        assert_eq!(
            out.as_deref(),
            Some("5x7"),
            "Measure(width 5, height 7) should be Ready with \"5x7\" within a few polls"
        );
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
        assert_eq!(
            run.output, "1920x1080",
            "Measure of thread-woken children should give \"1920x1080\""
        );
    }
}

mod e05_then {
    use super::*;
    use lesson_02::e05_then::*;
    use shared::test_futures::{ReadyAfter, WakeFromThread};
    use shared::testing::expect_panic;
    use shared::{Harness, Probe};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn output_comes_from_the_second_future() {
        let fut = then(ReadyAfter::new(2, 20), |x| ReadyAfter::new(1, x + 1));
        let run = Harness::new().named("then(ReadyAfter, ..)").block_on(fut);
        assert_eq!(
            run.output, 21,
            "then(first, f) must output what the future made by f outputs"
        );
    }

    #[test]
    fn same_polls_as_the_async_block() {
        for (ap, bp) in [(0, 0), (2, 0), (0, 3), (2, 2)] {
            let by_compiler = Harness::new().block_on(async move {
                let x = ReadyAfter::new(ap, 1).await;
                ReadyAfter::new(bp, x + 1).await
            });
            let by_hand = Harness::new()
                .named(format!(
                    "then(first after {ap} pendings, second after {bp})"
                ))
                .block_on(then(ReadyAfter::new(ap, 1), move |x| {
                    ReadyAfter::new(bp, x + 1)
                }));
            assert_eq!(by_hand.output, 2, "then(1, |x| x + 1) should output 2");
            assert_eq!(
                by_hand.polls, by_compiler.polls,
                "`let x = first.await; f(x).await` needs {} polls here, your Then needed {}. When \
                 the first future is Ready, poll the second one in the same poll call (no extra \
                 Pending, no extra self-wake)",
                by_compiler.polls, by_hand.polls
            );
        }
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
        assert_eq!(run.output, 4, "the output is the second future's: 4");
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
            assert_eq!(x, 2, "the closure must get the first future's output");
            second
        });
        let run = Harness::new().named("then(first, second)").block_on(fut);
        assert_eq!(run.output, 3, "the output is the second future's: 3");
        assert_eq!(
            first_probe.polls(),
            2,
            "rule 1: first (Pending once, then Ready) must be polled exactly twice"
        );
        assert!(
            second_probe.is_ready(),
            "the second future must be polled until Ready"
        );
    }

    #[test]
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
        let message = expect_panic(
            "a Then polled again after it returned Ready must panic (its docs promise a panic \
             saying \"polled after completion\"), but it returned quietly. In the Done state, \
             panic!",
            || poll_with(&mut fut, &waker),
        );
        assert!(
            message.contains("polled after completion"),
            "a Then polled after Ready panicked, but with {message:?}: the docs promise a \
             message containing \"polled after completion\""
        );
    }
}

mod e06_join {
    use super::*;
    use lesson_02::e06_join::*;
    use shared::test_futures::{ReadyAfter, WakeFromThread};
    use shared::{Harness, Probe};

    #[test]
    fn returns_both_outputs_in_order() {
        let (a, _) = Probe::new("left", ReadyAfter::new(1, "left"));
        let (b, _) = Probe::new("right", ReadyAfter::new(3, 7u8));
        let run = Harness::new()
            .named("join(ReadyAfter(1), ReadyAfter(3))")
            .block_on(join(a, b));
        assert_eq!(
            run.output,
            ("left", 7),
            "join(a, b) outputs (a's output, b's output)"
        );
    }

    #[test]
    fn left_finishes_first_and_is_not_polled_again() {
        let (a, a_probe) = Probe::new("left", ReadyAfter::new(0, 'a'));
        let (b, b_probe) = Probe::new("right", ReadyAfter::new(4, 'b'));
        let run = Harness::new()
            .named("join(left, right)")
            .block_on(join(a, b));
        assert_eq!(run.output, ('a', 'b'), "join(a, b) outputs both, in order");
        assert_eq!(
            a_probe.polls(),
            1,
            "rule 1: left was Ready on its first poll"
        );
        assert_eq!(
            b_probe.polls(),
            5,
            "right (Pending 4 times) should be polled 5 times: once per poll of the Join"
        );
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
        assert_eq!(
            run.output,
            (vec![1, 2], String::from("kept")),
            "a child that finishes first keeps its output until the other is done"
        );
        assert_eq!(
            b_probe.polls(),
            1,
            "rule 1: right was Ready on its first poll"
        );
        assert!(a_probe.is_ready(), "left must be polled until Ready");
    }

    #[tokio::test(start_paused = true)]
    async fn children_run_concurrently() {
        let (slow, _) = Probe::new(
            "slow (50 ms)",
            Box::pin(async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                1
            }),
        );
        let (fast, _) = Probe::new(
            "fast (30 ms)",
            Box::pin(async {
                tokio::time::sleep(Duration::from_millis(30)).await;
                2
            }),
        );
        let start = tokio::time::Instant::now();
        let run = Harness::new()
            .named("join(50 ms, 30 ms)")
            .run(join(slow, fast))
            .await;
        assert_eq!(run.output, (1, 2), "join(a, b) outputs both, in order");
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
    use shared::wakers::counting_waker;
    use shared::{Harness, Probe};

    #[test]
    fn behaves_like_the_inner_future() {
        let run = Harness::new()
            .named("fuse(ReadyAfter(2))")
            .block_on(fuse(ReadyAfter::new(2, 9)));
        assert_eq!(
            run.output, 9,
            "a Fuse outputs what its inner future outputs"
        );
        assert_eq!(
            run.polls, 3,
            "before completion a Fuse behaves exactly like its inner future: 3 polls"
        );
    }

    #[test]
    fn pending_after_completion_without_polling_the_inner_future() {
        let (inner, probe) = Probe::new("inner", ReadyAfter::new(1, "once"));
        let mut fused = fuse(inner);
        let waker = shared::wakers::noop_waker();
        assert!(
            poll_with(&mut fused, &waker).is_pending(),
            "the inner future is Pending on its first poll, so the Fuse must be too"
        );
        assert_eq!(
            poll_with(&mut fused, &waker),
            Poll::Ready("once"),
            "the Fuse must pass the inner future's Ready through"
        );
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
    fn a_finished_fuse_wakes_nobody() {
        let (inner, _) = Probe::new("inner", std::future::ready(5));
        let mut fused = fuse(inner);
        let (waker, counts) = counting_waker();
        assert_eq!(
            poll_with(&mut fused, &waker),
            Poll::Ready(5),
            "fuse(ready(5)) is Ready(5) on its first poll"
        );
        for _ in 0..3 {
            let _ = poll_with(&mut fused, &waker);
        }
        assert_eq!(
            counts.total_wakes(),
            0,
            "a terminated Fuse has nothing left to wait for, so its Pending must wake nobody: a \
             wake would only make the task poll it again and again for nothing"
        );
    }

    #[test]
    fn is_terminated_once_the_output_was_returned() {
        let mut fused = fuse(ReadyAfter::new(1, ()));
        let waker = shared::wakers::noop_waker();
        assert!(!fused.is_terminated(), "terminated before the first poll");
        assert!(
            poll_with(&mut fused, &waker).is_pending(),
            "the inner future is Pending on its first poll, so the Fuse must be too"
        );
        assert!(!fused.is_terminated(), "terminated while still pending");
        assert!(
            poll_with(&mut fused, &waker).is_ready(),
            "the inner future is Ready on its second poll, so the Fuse must be too"
        );
        assert!(
            fused.is_terminated(),
            "FusedFuture: is_terminated() must be true once Ready was returned, so select! \
             knows to skip it"
        );
    }
}

mod e08_no_blocking {
    use super::*;
    use lesson_02::e08_no_blocking::*;
    use shared::Harness;

    #[tokio::test(start_paused = true)]
    async fn cooldown_waits_on_the_timer() {
        let wait = Duration::from_millis(40);
        let start = tokio::time::Instant::now();
        let run = Harness::new()
            .named("Cooldown(40 ms)")
            // On virtual time a timer-based poll takes microseconds of real time; a poll that
            // naps for any part of the wait is blocking (rule 3).
            .blocking_threshold(wait / 4)
            .run(Cooldown::new("cool", wait))
            .await;
        assert_eq!(run.output, "cool", "a Cooldown outputs its value");
        assert_about("Cooldown(40 ms)", start.elapsed(), wait);
    }

    #[tokio::test(start_paused = true)]
    async fn cooldown_leaves_the_thread_to_others() {
        // While one cooldown waits, a second one (on the same thread) must be able to start.
        let wait = Duration::from_millis(30);
        let start = tokio::time::Instant::now();
        let a = Cooldown::new(1, wait);
        let b = Cooldown::new(2, wait);
        let run = Harness::new()
            .named("join(Cooldown, Cooldown)")
            .blocking_threshold(wait / 4)
            .run(futures::future::join(a, b))
            .await;
        assert_eq!(run.output, (1, 2), "both cooldowns hand out their values");
        assert_about("two 30 ms cooldowns side by side", start.elapsed(), wait);
    }

    #[tokio::test]
    async fn checksum_runs_off_the_executor_thread() {
        let data: Vec<u8> = (0..=255).collect();
        let expected = tokio::task::spawn_blocking({
            let data = data.clone();
            move || crunch(&data)
        })
        .await
        .expect("crunch itself panicked");
        let run = Harness::new()
            .named("checksum")
            // crunch takes 40 ms: a poll that runs it (or waits for it) takes at least that.
            .blocking_threshold(Duration::from_millis(10))
            .run(checksum(data))
            .await;
        assert_eq!(
            run.output, expected,
            "checksum(data) must return crunch(&data)"
        );
        // The check that holds whatever the machine's load: crunch needs 40 ms, so an answer that
        // hands it to another thread cannot have the result on its first poll.
        assert!(
            run.polls >= 2,
            "blocking poll (rule 3): checksum was Ready on its very first poll, so that poll waited \
             the 40 ms crunch takes (ran it, or joined a thread running it). Hand crunch to \
             tokio::task::spawn_blocking and .await the JoinHandle: the first poll then returns \
             Pending and the executor thread stays free"
        );
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
            .blocking_threshold(Duration::from_millis(7))
            .run(DelayedValue::new("gear", Duration::from_millis(30)))
            .await;
        assert_eq!(run.output, "gear", "a DelayedValue outputs its value");
        assert_about(
            "DelayedValue(30 ms)",
            start.elapsed(),
            Duration::from_millis(30),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn delayed_value_counts_from_new() {
        let start = Instant::now();
        let fut = DelayedValue::new('v', Duration::from_millis(30));
        sleep(Duration::from_millis(10)).await; // built now, first polled 10 ms later
        let run = Harness::new().named("DelayedValue(30 ms)").run(fut).await;
        assert_eq!(run.output, 'v', "a DelayedValue outputs its value");
        assert_about(
            "DelayedValue::new(30 ms) counts from new() (\"counting from now\"), so polled first \
             10 ms later it is Ready 30 ms after new(). Create the Sleep in new(), not in poll",
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
        assert_eq!(
            run.output,
            Ok(7),
            "a value ready within the limit comes out as Ok(value)"
        );
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
            }),
            "an inner future that never finishes gives Err(Elapsed {{ limit }})"
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
        assert_eq!(out, "done", "Instrumented passes the inner output through");
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
    use shared::testing::finishes;
    use std::future::IntoFuture;
    use tokio::time::Instant;

    /// Awaits a search under the harness, so a search that never wakes fails with a message
    /// instead of hanging. A poll of a search only filters twelve names: a poll that takes
    /// half the shortest latency used here is waiting inside poll (rule 3).
    async fn run(search: Search) -> Vec<&'static str> {
        Harness::new()
            .named("Search")
            .blocking_threshold(DEFAULT_LATENCY / 2)
            .run(search.into_future())
            .await
            .output
    }

    #[tokio::test(start_paused = true)]
    async fn finds_matches_in_catalogue_order() {
        // The point of IntoFuture: `.await` straight on the builder.
        let parts = finishes("Search::new(\"gear\").await", async {
            Search::new("gear").await
        })
        .await;
        assert_eq!(
            parts,
            ["spur gear", "bevel gear", "worm gear", "helical gear"],
            "every part containing \"gear\", in catalogue order"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn limit_keeps_the_first_matches() {
        assert_eq!(
            run(Search::new("gear").limit(2)).await,
            ["spur gear", "bevel gear"],
            "limit(2) keeps the first two matches"
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
            .blocking_threshold(Duration::from_millis(12))
            .run(query.into_future())
            .await;
        assert_eq!(
            run.output,
            ["roller chain"],
            "the one part containing \"chain\""
        );
        assert_about(
            "a search with 50 ms latency",
            start.elapsed(),
            Duration::from_millis(50),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn latency_counts_from_the_first_poll() {
        let fut = Search::new("rack")
            .latency(Duration::from_millis(30))
            .into_future();
        // into_future() has run, but nobody polled the future yet: nothing was sent.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let start = Instant::now();
        let run = Harness::new().named("Search(\"rack\")").run(fut).await;
        assert_eq!(run.output, ["rack"], "the one part containing \"rack\"");
        assert_about(
            "a search's latency counts from the first poll of its future (the query is sent when \
             awaited), not from into_future(): create the sleep inside the async block",
            start.elapsed(),
            Duration::from_millis(30),
        );
    }

    #[tokio::test(start_paused = true)]
    async fn default_latency() {
        let start = Instant::now();
        let parts = run(Search::new("pawl")).await;
        assert_eq!(parts, ["pawl"], "the one part containing \"pawl\"");
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
    use shared::cpu::Usage;
    use shared::test_futures::{ReadyAfter, WakeFromThread};
    use shared::testing::{Summoned, within};
    use std::sync::mpsc;
    use std::thread;

    /// The sentence a `block_on` that never returns fails with.
    const NEVER_RETURNED: &str = "block_on never returned: the future was woken but not polled \
         again (rule 2, executor side: every wake must lead to another poll; waking must reach \
         the thread parked in block_on, and a wake that came during poll must not be forgotten)";

    fn within_2s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        within(Duration::from_secs(2), NEVER_RETURNED, f)
    }

    #[test]
    fn returns_the_output() {
        assert_eq!(
            within_2s(|| block_on(async { 6 * 7 })),
            42,
            "block_on must return the future's output"
        );
    }

    #[test]
    fn a_self_wake_gets_the_next_poll() {
        let (fut, probe) = Probe::new("ReadyAfter(5)", ReadyAfter::new(5, 'r'));
        assert_eq!(
            within_2s(move || block_on(fut)),
            'r',
            "block_on must return the future's output"
        );
        assert_eq!(probe.polls(), 6, "5 Pendings and a Ready should be 6 polls");
    }

    #[test]
    fn sleeps_until_woken_from_another_thread() {
        let (fut, probe) = Probe::new(
            "WakeFromThread(30 ms)",
            WakeFromThread::new(Duration::from_millis(30), 9),
        );
        assert_eq!(
            within_2s(move || block_on(fut)),
            9,
            "block_on must return the future's output"
        );
        assert!(
            probe.polls() <= 4,
            "busy polling (rule 4 at the executor: poll when woken, not in a loop): a future \
             woken once after 30 ms was polled {} times. Between polls, park the thread until \
             the waker unparks it",
            probe.polls()
        );
    }

    #[test]
    fn polls_only_when_woken() {
        let log = within_2s(|| block_on(Summoned::new(1, Duration::from_millis(90))));
        assert!(
            log.unwoken_polls <= 1,
            "an executor polls when woken, not on a timer: a future woken once after 90 ms was \
             polled {} times without a wake ({} polls in all). Park until the waker says so, and \
             don't wake up on a timeout to poll just in case",
            log.unwoken_polls,
            log.polls
        );
    }

    #[test]
    fn a_wake_gets_a_prompt_poll() {
        let log = within_2s(|| block_on(Summoned::new(3, Duration::from_millis(20))));
        assert!(
            log.worst_latency() < Duration::from_millis(60),
            "a wake must lead to a poll right away: after a wake from another thread, the next \
             poll came only {:?} later. The waker must unpark the thread that runs block_on",
            log.worst_latency()
        );
    }

    #[test]
    fn waiting_costs_no_cpu() {
        let spent = within_2s(|| {
            let before = Usage::this_thread();
            block_on(Summoned::new(1, Duration::from_millis(80)));
            Usage::this_thread().since(&before)
        });
        assert!(
            spent.cpu < Duration::from_millis(5),
            "block_on spent {:?} of CPU while its future waited 80 ms for one wake: it must sleep \
             (thread::park) between wakes, not spin checking a flag or polling",
            spent.cpu
        );
    }

    #[test]
    fn a_wake_survives_code_in_poll_that_parks_too() {
        // Inside poll: wake ourselves, then wait for a std channel. The channel parks this thread
        // while it waits, which uses up the park token our own wake left.
        let out = within_2s(|| {
            let mut asked = false;
            block_on(std::future::poll_fn(move |cx| {
                if asked {
                    return Poll::Ready("answered");
                }
                asked = true;
                cx.waker().wake_by_ref();
                let (tx, rx) = mpsc::channel();
                thread::spawn(move || {
                    thread::sleep(Duration::from_millis(2));
                    let _ = tx.send(());
                });
                rx.recv().expect("the helper thread sends once");
                Poll::Pending
            }))
        });
        assert_eq!(out, "answered", "block_on must return the future's output");
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
        assert_eq!(out, 42, "block_on must return the future's output");
    }
}
