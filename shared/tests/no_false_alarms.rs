//! Correct futures are never flagged, even on a busy machine.
mod support;

use std::sync::mpsc;
use std::task::{Poll, Waker};
use std::time::Duration;

use shared::Harness;
use shared::test_futures::{ReadyAfter, WakeFromThread, YieldOnce};
use support::{ProcessSpinner, Spinner};

/// The bar: a thread-woken future, 1,000 times, while another thread
/// keeps a core busy. Any false lost-wakeup or blocking report fails the test.
#[test]
fn thread_woken_future_1000_times_on_a_busy_machine() {
    let _spinner = Spinner::start();
    let harness = Harness::new().named("WakeFromThread");
    for i in 0..1_000u64 {
        let delay = Duration::from_micros(if i % 2 == 0 { 0 } else { 500 });
        match harness.try_block_on(WakeFromThread::new(delay, i)) {
            Ok(run) => assert_eq!(run.output, i),
            Err(failure) => panic!("run {i} falsely flagged:\n{failure}"),
        }
    }
}

/// A future woken from a long-lived thread through a channel: many quick
/// pendings and wakes, racing with the polls.
#[test]
fn channel_woken_future_races_are_not_lost_wakeups() {
    let _spinner = Spinner::start();
    let (tx, rx) = mpsc::channel::<Waker>();
    let waker_thread = std::thread::Builder::new()
        .name("waker".into())
        .spawn(move || {
            for waker in rx {
                waker.wake();
            }
        })
        .unwrap();
    let harness = Harness::new();
    for _ in 0..200 {
        let mut left = 5;
        let run = harness
            .try_block_on(std::future::poll_fn(|cx| {
                if left == 0 {
                    return Poll::Ready(());
                }
                left -= 1;
                tx.send(cx.waker().clone()).unwrap();
                Poll::Pending
            }))
            .unwrap_or_else(|failure| panic!("falsely flagged:\n{failure}"));
        assert_eq!(run.wakes, 5);
        assert!(run.timeline.wake_threads().iter().all(|t| t == "waker"));
    }
    drop(tx);
    waker_thread.join().unwrap();
}

#[test]
fn self_waking_futures_pass() {
    let run = Harness::new().block_on(async {
        YieldOnce::default().await;
        ReadyAfter::new(3, 'z').await
    });
    assert_eq!((run.output, run.polls, run.wakes), ('z', 5, 4));
}

#[tokio::test(start_paused = true)]
async fn long_virtual_sleeps_are_not_lost_wakeups() {
    let start = tokio::time::Instant::now();
    let run = Harness::new()
        .run(async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            tokio::time::sleep(Duration::from_secs(50)).await;
            "done"
        })
        .await;
    assert_eq!(run.output, "done");
    assert_eq!(start.elapsed(), Duration::from_secs(60));
    assert_eq!((run.polls, run.wakes), (3, 2));
    assert!(
        run.elapsed < Duration::from_secs(1),
        "virtual time, not real"
    );
}

#[tokio::test(start_paused = true)]
async fn tokio_channels_and_tasks_work_under_the_harness() {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<u32>(1);
    tokio::spawn(async move {
        for i in 0..5 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            tx.send(i).await.unwrap();
        }
    });
    let run = Harness::new()
        .run(async move {
            let mut sum = 0;
            while let Some(i) = rx.recv().await {
                sum += i;
            }
            sum
        })
        .await;
    assert_eq!(run.output, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_thread_runtime_with_real_sleeps() {
    let runs = (0..20).map(|i| {
        tokio::spawn(Harness::new().run(async move {
            tokio::time::sleep(Duration::from_millis(1)).await;
            i
        }))
    });
    let mut total = 0;
    for handle in runs {
        total += handle.await.unwrap().output;
    }
    assert_eq!(total, (0..20).sum());
}

/// Spinning threads and processes beside the test (more runnable threads than this machine has
/// cores): quick polls get preempted, and preemption is never called blocking.
#[test]
fn quick_polls_are_never_called_blocking_beside_spinning_threads() {
    let _spinners = [Spinner::start(), Spinner::start()];
    let _processes = [ProcessSpinner::start(), ProcessSpinner::start()];
    let harness = Harness::new().blocking_threshold(Duration::from_millis(2));
    let mut rounds = 0u32;
    let start = std::time::Instant::now();
    // Bounded in rounds and in time: enough polls that some are surely preempted.
    while rounds < 3_000 && start.elapsed() < Duration::from_secs(3) {
        rounds += 1;
        let run = harness
            .try_block_on(ReadyAfter::new(3, rounds))
            .unwrap_or_else(|failure| {
                panic!("round {rounds}: a quick poll was flagged:\n{failure}")
            });
        assert_eq!(
            run.output, rounds,
            "the harness must return the future's output"
        );
    }
}

/// Extra wakes are harmless: a future woken twice per Pending, and once more on the poll that
/// returns Ready (a legal spurious wake), passes.
#[test]
fn extra_and_spurious_wakes_are_not_failures() {
    let mut polls = 0;
    let run = Harness::new().block_on(std::future::poll_fn(|cx| {
        polls += 1;
        cx.waker().wake_by_ref();
        cx.waker().wake_by_ref();
        if polls == 3 {
            Poll::Ready(polls)
        } else {
            Poll::Pending
        }
    }));
    assert_eq!((run.output, run.polls), (3, 3), "three polls, then Ready");
}

/// A correct poll that spawns a thread, in a process whose other threads are being preempted:
/// the spawn may wait for a kernel lock one of them holds, and that is not the future's fault.
#[test]
fn thread_spawning_polls_in_a_busy_process_are_not_blocking() {
    let _spinners = [Spinner::start(), Spinner::start()];
    let _processes = [ProcessSpinner::start(), ProcessSpinner::start()];
    let harness = Harness::new().named("WakeFromThread");
    let start = std::time::Instant::now();
    let mut rounds = 0u64;
    while rounds < 400 && start.elapsed() < Duration::from_secs(3) {
        rounds += 1;
        if let Err(failure) = harness.try_block_on(WakeFromThread::new(Duration::ZERO, rounds)) {
            panic!("round {rounds}: a thread-spawning poll was flagged:\n{failure}");
        }
    }
}
