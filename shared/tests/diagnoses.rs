//! Each diagnosis, earned by a deliberately broken future, in both modes.
mod support;

use std::time::{Duration, Instant};

use shared::test_futures::{PendingForever, ReadyAfter, WakeFromThread};
use shared::{Diagnosis, Harness};
use support::*;

fn quick() -> Harness {
    Harness::new().grace(Duration::from_millis(100))
}

#[test]
fn lost_wakeup_when_the_waker_is_never_cloned() {
    let failure = quick()
        .named("Countdown")
        .try_block_on(PendingForever)
        .unwrap_err();
    assert_eq!(
        failure.diagnosis,
        Diagnosis::LostWakeup {
            poll: 1,
            waker_cloned: false
        }
    );
    let message = failure.to_string();
    assert!(
        message.starts_with(
            "lost wakeup (rule 2: arrange a wake before returning Pending): poll #1 of Countdown \
             returned Pending but never cloned or used its waker"
        ),
        "{message}"
    );
    assert!(message.contains("What to do:"), "{message}");
    assert!(
        message.contains("poll #1 -> Pending (waker not cloned)"),
        "{message}"
    );
    assert!(
        message.contains("and no clone of the waker is left to wake it: giving up"),
        "{message}"
    );
    assert_eq!(
        (failure.polls, failure.wakes, failure.rule()),
        (1, 0, Some(2))
    );
}

#[test]
fn a_certain_lost_wakeup_is_reported_at_once() {
    // No clone of the waker exists: nothing can wake it, so waiting out the grace is pointless.
    let start = Instant::now();
    let failure = Harness::new()
        .grace(Duration::from_secs(30))
        .try_block_on(PendingForever)
        .unwrap_err();
    assert!(
        matches!(
            failure.diagnosis,
            Diagnosis::LostWakeup {
                waker_cloned: false,
                ..
            }
        ),
        "{failure}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "waited {:?}",
        start.elapsed()
    );
}

#[test]
fn every_clone_dropped_is_a_lost_wakeup_as_soon_as_the_last_goes() {
    // The clone goes to a thread that drops it after 20 ms without waking it.
    let mut sent = false;
    let start = Instant::now();
    let failure = Harness::new()
        .grace(Duration::from_secs(30))
        .named("Forgetful")
        .try_block_on(std::future::poll_fn(|cx| {
            if !sent {
                sent = true;
                let waker = cx.waker().clone();
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(20));
                    drop(waker);
                });
            }
            std::task::Poll::<()>::Pending
        }))
        .unwrap_err();
    assert_eq!(
        failure.diagnosis,
        Diagnosis::LostWakeup {
            poll: 1,
            waker_cloned: true
        },
        "{failure}"
    );
    assert!(
        failure
            .to_string()
            .contains("every clone was dropped without calling wake()"),
        "{failure}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "waited {:?}",
        start.elapsed()
    );
}

#[test]
fn a_long_honest_wait_is_told_to_raise_the_grace() {
    // A clone is alive (a thread will wake it after 300 ms): with a 50 ms grace that is not
    // a certain lost wakeup, and the message says how to allow a longer wait.
    let failure = Harness::new()
        .grace(Duration::from_millis(50))
        .try_block_on(WakeFromThread::new(Duration::from_millis(300), ()))
        .unwrap_err();
    assert!(
        matches!(
            failure.diagnosis,
            Diagnosis::StillWaiting {
                poll: 1,
                clones_alive: 1
            }
        ),
        "{failure}"
    );
    let message = failure.to_string();
    assert!(
        message.starts_with("still waiting after 50 ms"),
        "{message}"
    );
    assert!(
        message.contains("raise the grace with Harness::grace"),
        "{message}"
    );
    // And with the grace raised, the same future passes.
    let run = Harness::new()
        .grace(Duration::from_secs(5))
        .block_on(WakeFromThread::new(Duration::from_millis(300), ()));
    assert_eq!(run.wakes, 1);
}

#[test]
fn lost_wakeup_when_the_stored_waker_is_never_woken() {
    let failure = quick()
        .try_block_on(StoresButNeverWakes::default())
        .unwrap_err();
    assert_eq!(
        failure.diagnosis,
        Diagnosis::StillWaiting {
            poll: 1,
            clones_alive: 1
        }
    );
    let message = failure.to_string();
    assert!(message.contains("of StoresButNeverWakes"), "{message}");
    assert!(
        message.contains("1 clone of its waker is still held somewhere"),
        "{message}"
    );
    assert!(
        message.contains("poll #1 -> Pending (waker cloned)"),
        "{message}"
    );
    assert!(
        message.contains("1 clone of the waker is still held"),
        "{message}"
    );
}

#[test]
fn lost_wakeup_is_reported_on_the_last_poll() {
    // Two honest self-wakes, then silence.
    let mut polls = 0;
    let failure = quick()
        .try_block_on(std::future::poll_fn(|cx| {
            polls += 1;
            if polls <= 2 {
                cx.waker().wake_by_ref();
            }
            std::task::Poll::<()>::Pending
        }))
        .unwrap_err();
    assert_eq!(
        failure.diagnosis,
        Diagnosis::LostWakeup {
            poll: 3,
            waker_cloned: false
        }
    );
    assert_eq!((failure.polls, failure.wakes), (3, 2));
}

#[test]
#[should_panic(expected = "lost wakeup (rule 2: arrange a wake before returning Pending)")]
fn block_on_panics_with_the_message() {
    quick().block_on(PendingForever);
}

#[test]
fn stale_waker_when_only_an_old_waker_is_woken() {
    // Ten ticks, 15 ms apart, and a grace well past them: on a loaded machine the second poll
    // can come late, after several ticks, and at least one must still land after it.
    let failure = Harness::new()
        .grace(Duration::from_millis(400))
        .named("Ticker")
        .try_block_on(KeepsFirstWaker::new(10))
        .unwrap_err();
    // Normally poll #2; a tick landing while a poll runs still counts, so on
    // a very busy machine it may be a later poll.
    let Diagnosis::StaleWaker { poll } = failure.diagnosis else {
        panic!("expected a stale waker, got:\n{failure}");
    };
    let message = failure.to_string();
    assert!(message.starts_with("stale waker (rule 2"), "{message}");
    let got_new = format!("poll #{poll} of Ticker got a new waker");
    assert!(message.contains(&got_new), "{message}");
    assert!(
        message.contains("STALE waker of poll #1: ignored"),
        "{message}"
    );
    assert!(message.contains("will_wake"), "{message}");
    assert!(failure.timeline.stale_wakes() >= 1);
}

#[test]
fn the_same_future_with_one_waker_for_all_polls_is_not_stale() {
    // With a single waker every tick counts; after the last one: still waiting (the future
    // keeps its clone, so the harness cannot be sure nobody will wake it).
    let failure = quick()
        .fresh_waker_each_poll(false)
        .try_block_on(KeepsFirstWaker::new(3))
        .unwrap_err();
    assert!(
        matches!(failure.diagnosis, Diagnosis::StillWaiting { .. }),
        "{failure}"
    );
    assert_eq!(failure.wakes, 3, "{failure}");
    assert_eq!(failure.timeline.stale_wakes(), 0);
}

#[test]
fn every_poll_gets_a_new_waker() {
    let mut wakers: Vec<std::task::Waker> = Vec::new();
    quick().block_on(std::future::poll_fn(|cx| {
        if let Some(last) = wakers.last() {
            assert!(!last.will_wake(cx.waker()), "the harness reused a waker");
        }
        wakers.push(cx.waker().clone());
        if wakers.len() < 3 {
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    }));
}

#[test]
fn blocking_threshold_is_configurable() {
    let run = Harness::new()
        .blocking_threshold(Duration::from_millis(200))
        .block_on(SleepsInPoll(Duration::from_millis(25)));
    assert_eq!(run.polls, 1);
}

#[cfg(target_os = "linux")]
#[test]
fn heavy_computation_names_rule_4() {
    let failure = Harness::new()
        .try_block_on(ComputesInPoll(Duration::from_millis(60)))
        .unwrap_err();
    assert!(matches!(failure.diagnosis, Diagnosis::BlockingPoll { .. }));
    let message = failure.to_string();
    assert!(
        message.starts_with("slow poll (rule 4: poll should be quick)"),
        "{message}"
    );
    assert!(message.contains("spawn_blocking"), "{message}");
}

#[test]
fn busy_polling_is_reported() {
    let failure = Harness::new()
        .named("Spins")
        .max_polls(200)
        .try_block_on(Spins)
        .unwrap_err();
    assert_eq!(failure.diagnosis, Diagnosis::BusyPolling { polls: 200 });
    let message = failure.to_string();
    assert!(message.starts_with("busy polling"), "{message}");
    assert!(message.contains("Spins was polled 200 times"), "{message}");
    assert!(
        message.contains("more events"),
        "long timelines are shortened: {message}"
    );
    assert!(message.lines().count() < 40, "{message}");
}

#[test]
fn default_max_polls_allows_honest_self_wakes() {
    let run = Harness::new().block_on(ReadyAfter::new(5_000, ()));
    assert_eq!((run.polls, run.wakes), (5_001, 5_000));
}

// ---- async mode ----

#[tokio::test(start_paused = true)]
async fn async_lost_wakeup_arrives_in_real_time() {
    let start = Instant::now();
    let failure = quick().try_run(PendingForever).await.unwrap_err();
    assert_eq!(
        failure.diagnosis,
        Diagnosis::LostWakeup {
            poll: 1,
            waker_cloned: false
        }
    );
    // Never cloned: certain, so reported at once, without waiting out the grace.
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn async_all_clones_dropped_is_reported_before_the_grace() {
    let start = Instant::now();
    let mut sent = false;
    let failure = Harness::new()
        .grace(Duration::from_secs(30))
        .try_run(std::future::poll_fn(|cx| {
            if !sent {
                sent = true;
                let waker = cx.waker().clone();
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(20));
                    drop(waker);
                });
            }
            std::task::Poll::<()>::Pending
        }))
        .await
        .unwrap_err();
    assert_eq!(
        failure.diagnosis,
        Diagnosis::LostWakeup {
            poll: 1,
            waker_cloned: true
        },
        "{failure}"
    );
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[tokio::test(start_paused = true)]
async fn async_default_grace_is_about_a_second() {
    let start = Instant::now();
    let failure = Harness::new()
        .try_run(StoresButNeverWakes::default())
        .await
        .unwrap_err();
    assert!(matches!(failure.diagnosis, Diagnosis::StillWaiting { .. }));
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(990) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
}

#[tokio::test]
async fn async_stale_waker() {
    let failure = Harness::new()
        .grace(Duration::from_millis(400))
        .try_run(KeepsFirstWaker::new(10))
        .await
        .unwrap_err();
    assert!(
        matches!(failure.diagnosis, Diagnosis::StaleWaker { .. }),
        "{failure}"
    );
}

#[tokio::test(start_paused = true)]
async fn async_busy_polling() {
    let failure = Harness::new()
        .max_polls(100)
        .try_run(Spins)
        .await
        .unwrap_err();
    assert_eq!(failure.diagnosis, Diagnosis::BusyPolling { polls: 100 });
}

#[tokio::test(start_paused = true)]
#[should_panic(expected = "lost wakeup (rule 2")]
async fn async_run_panics_with_the_message() {
    quick().run(PendingForever).await;
}

#[tokio::test(start_paused = true)]
async fn other_wakes_of_the_task_do_not_rescue_a_broken_future() {
    // The harness shares its task with a ticking timer, so tokio polls it
    // often; the inner future must still be polled only once.
    let ticker = async {
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    };
    let (failure, ()) = tokio::join!(quick().try_run(PendingForever), ticker);
    let failure = failure.unwrap_err();
    assert_eq!(failure.polls, 1);
    assert!(matches!(failure.diagnosis, Diagnosis::LostWakeup { .. }));
}

#[tokio::test]
async fn async_thread_wakes_are_forwarded() {
    let run = quick()
        .run(WakeFromThread::new(Duration::from_millis(2), 7))
        .await;
    assert_eq!((run.output, run.polls, run.wakes), (7, 2, 1));
}

#[tokio::test(start_paused = true)]
async fn block_on_inside_tokio_explains_why_timers_never_fire() {
    let failure = quick()
        .try_block_on(tokio::time::sleep(Duration::from_secs(1)))
        .unwrap_err();
    assert!(matches!(failure.diagnosis, Diagnosis::StillWaiting { .. }));
    assert!(
        failure
            .to_string()
            .contains("use `Harness::new().run(fut).await` instead")
    );
}
