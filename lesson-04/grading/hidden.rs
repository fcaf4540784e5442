//! Hidden grading tests for lesson 04: the same promises as `tests/check.rs`, from other angles
//! (other orders, other threads, races run thousands of times, resources counted).
//!
//! Races are raced here: a wrong answer that loses one wake in a thousand fails, and every stress
//! loop is bounded and runs under `shared::testing::within`, so nothing hangs.

use std::sync::Arc;
use std::task::Waker;
use std::time::Duration;

/// Drops `value` here and now: a handle given up, a runnable whose executor went away, a cancelled
/// sleep. (A plain function, so the tests read the same whatever the types hold.)
fn cancel<T>(value: T) {
    drop(value);
}

/// Generous limit for real-thread tests: a correct answer needs a few milliseconds.
const LIMIT: Duration = Duration::from_secs(3);

/// Real time a stress loop may spend playing rounds; it stops early rather than run long.
const STRESS_BUDGET: Duration = Duration::from_millis(400);

mod e01_task_waker {
    use super::*;
    use lesson_04::e01_task_waker::*;
    use shared::testing::within;
    use std::sync::atomic::Ordering::SeqCst;
    use std::sync::atomic::{AtomicBool, AtomicUsize};
    use std::thread;
    use std::time::Instant;

    #[test]
    fn schedule_reports_who_queued_the_task() {
        let queue = RunQueue::new();
        let task = Task::new(4, &queue);
        assert!(
            task.schedule(),
            "the first schedule() of an idle task queues it and returns true"
        );
        assert!(!task.schedule(), "schedule() while queued returns false");
        assert!(queue.pop().is_some(), "the queued task can be popped");
        assert!(
            task.schedule(),
            "after the pop, schedule() queues the task again and returns true"
        );
        assert_eq!(queue.len(), 1, "exactly one copy of the task is queued");
    }

    #[test]
    fn dropping_wakers_queues_nothing() {
        let queue = RunQueue::new();
        let task = Task::new(5, &queue);
        let waker = Waker::from(task.clone());
        let clones: Vec<_> = (0..10).map(|_| waker.clone()).collect();
        drop(clones);
        drop(waker);
        assert!(
            queue.is_empty() && !task.is_scheduled(),
            "cloning and dropping a task's waker must not queue the task: only a wake does"
        );
    }

    #[test]
    fn a_hundred_tasks_woken_twice_each_are_queued_once_each_in_order() {
        let queue = RunQueue::new();
        let tasks: Vec<_> = (0..100).map(|id| Task::new(id, &queue)).collect();
        for task in tasks.iter().chain(tasks.iter()) {
            Waker::from(task.clone()).wake_by_ref();
        }
        assert_eq!(
            queue.len(),
            100,
            "each of 100 tasks woken twice is on the queue once"
        );
        let popped: Vec<_> = std::iter::from_fn(|| queue.pop().map(|t| t.id())).collect();
        assert_eq!(
            popped,
            (0..100).collect::<Vec<_>>(),
            "tasks come off the queue in the order of their first wake (first in, first out)"
        );
    }

    #[test]
    fn wakes_from_other_threads_reach_the_queue() {
        let queue = RunQueue::new();
        let task = Task::new(6, &queue);
        let waker = Waker::from(task.clone());
        within(
            LIMIT,
            "four threads waking one task never finished",
            move || {
                let threads: Vec<_> = (0..4)
                    .map(|_| {
                        let waker = waker.clone();
                        thread::spawn(move || {
                            for _ in 0..500 {
                                waker.wake_by_ref();
                            }
                        })
                    })
                    .collect();
                for t in threads {
                    t.join().expect("a waking thread panicked");
                }
            },
        );
        assert_eq!(
            queue.len(),
            1,
            "2,000 wakes from four threads must leave the task on the queue exactly once"
        );
    }

    #[test]
    fn pops_racing_wakes_never_lose_or_double_the_task() {
        within(
            LIMIT,
            "a popping thread racing a waking thread never finished",
            || {
                let queue = RunQueue::new();
                let task = Task::new(8, &queue);
                let stop = Arc::new(AtomicUsize::new(0));
                let waker = Waker::from(task.clone());
                let waking = {
                    let stop = stop.clone();
                    thread::spawn(move || {
                        for _ in 0..20_000 {
                            waker.wake_by_ref();
                        }
                        stop.store(1, SeqCst);
                    })
                };
                let mut seen_twice = 0;
                while stop.load(SeqCst) == 0 {
                    if queue.len() > 1 {
                        seen_twice += 1;
                    }
                    queue.pop();
                }
                waking.join().expect("the waking thread panicked");
                assert_eq!(
                    seen_twice, 0,
                    "the task was seen on the queue twice while wakes raced pops"
                );
                assert_eq!(
                    task.is_scheduled(),
                    queue.len() == 1,
                    "after the race, is_scheduled() must agree with the queue: the flag and the queue \
                 went out of step (a wake was lost, or a stale flag blocks every future wake)"
                );
                task.schedule();
                assert_eq!(
                    queue.len(),
                    1,
                    "after the race the task can still be queued, once"
                );
            },
        );
    }

    #[test]
    fn wakes_racing_on_two_threads_queue_the_task_once() {
        const ROUNDS: usize = 20_000;
        let (doubles, played) = within(LIMIT, "rounds of two racing wakes never finished", || {
            let queue = RunQueue::new();
            let tasks: Arc<Vec<_>> =
                Arc::new((0..ROUNDS).map(|id| Task::new(id, &queue)).collect());
            let go = Arc::new(AtomicUsize::new(0));
            let done = Arc::new(AtomicUsize::new(0));
            let stop = Arc::new(AtomicBool::new(false));
            let other = {
                let (tasks, go, done, stop) =
                    (tasks.clone(), go.clone(), done.clone(), stop.clone());
                thread::spawn(move || {
                    let mut queued = Vec::with_capacity(ROUNDS);
                    for round in 0..ROUNDS {
                        spin_until(|| go.load(SeqCst) > round || stop.load(SeqCst));
                        if go.load(SeqCst) <= round {
                            break;
                        }
                        // The two wakes are moved against each other by a few nanoseconds
                        // each round, so that some rounds overlap exactly.
                        for _ in 0..round % 13 {
                            std::hint::spin_loop();
                        }
                        queued.push(tasks[round].schedule());
                        done.store(round + 1, SeqCst);
                    }
                    queued
                })
            };
            let mut here = Vec::with_capacity(ROUNDS);
            let mut lengths = Vec::with_capacity(ROUNDS);
            // As many rounds as fit in a fixed budget: a loaded machine plays fewer, never hangs.
            let start = Instant::now();
            for round in 0..ROUNDS {
                if start.elapsed() > STRESS_BUDGET {
                    break;
                }
                // Both threads are spinning when the round starts, so their wakes really overlap.
                go.store(round + 1, SeqCst);
                for _ in 0..(round / 13) % 11 {
                    std::hint::spin_loop();
                }
                here.push(tasks[round].schedule());
                spin_until(|| done.load(SeqCst) > round);
                lengths.push(queue.len());
                while queue.pop().is_some() {}
            }
            stop.store(true, SeqCst);
            let there = other.join().expect("the waking thread panicked");
            let played = here.len();
            let doubles = (0..played)
                .filter(|&r| lengths[r] != 1 || here[r] == there[r])
                .count();
            (doubles, played)
        });
        assert_eq!(
            doubles, 0,
            "two threads woke the same task at the same moment, and in {doubles} of {played} \
             rounds the task was not queued exactly once (or both or neither schedule() call \
             returned true): test-and-set the flag in one atomic step (AtomicBool::swap), not a \
             load followed by a store"
        );
    }

    /// Spins (politely) until `ready` says so.
    fn spin_until(ready: impl Fn() -> bool) {
        let mut spins = 0u32;
        while !ready() {
            spins += 1;
            if spins.is_multiple_of(64) {
                thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    }
}

mod e02_spawn_run {
    use super::*;
    use lesson_04::e02_spawn_run::*;
    use shared::Probe;
    use shared::cpu::Usage;
    use shared::test_futures::{ReadyAfter, WakeFromThread};
    use shared::testing::within;
    use std::sync::Mutex;
    use std::task::Poll;
    use std::thread;

    fn run_within(exec: &Executor, what: &str) -> Usage {
        let exec = exec.clone();
        within(LIMIT, what, move || {
            let before = Usage::this_thread();
            exec.run();
            Usage::this_thread().since(&before)
        })
    }

    const HANG: &str = "Executor::run never returned: a woken task was never polled again (lost \
                        wakeup), or run waits although every task finished, or run holds the \
                        queue's lock while it polls (a wake during the poll then deadlocks)";

    #[test]
    fn run_with_no_tasks_returns_at_once() {
        run_within(&Executor::new(), "run with no tasks must return at once");
    }

    #[test]
    fn a_wake_from_another_thread_during_the_poll_is_not_lost() {
        let exec = Executor::new();
        let mut first = true;
        let (task, probe) = Probe::new(
            "woken mid-poll",
            std::future::poll_fn(move |cx| {
                if !first {
                    return Poll::Ready(());
                }
                first = false;
                let waker = cx.waker().clone();
                // The wake lands while this poll is still running, from another thread.
                thread::spawn(move || waker.wake()).join().unwrap();
                Poll::Pending
            }),
        );
        exec.spawn(task);
        run_within(&exec, HANG);
        assert_eq!(
            probe.polls(),
            2,
            "a task woken from another thread during its poll must be polled exactly once more"
        );
    }

    #[test]
    fn five_wakes_before_the_poll_count_as_one() {
        let exec = Executor::new();
        let stash: Arc<Mutex<Option<Waker>>> = Arc::default();
        let keep = stash.clone();
        let mut polled = false;
        let (waiting, probe) = Probe::new(
            "woken five times",
            std::future::poll_fn(move |cx| {
                if polled {
                    return Poll::Ready(());
                }
                polled = true;
                *keep.lock().unwrap() = Some(cx.waker().clone());
                Poll::Pending
            }),
        );
        exec.spawn(waiting);
        exec.spawn(async move {
            let waker = stash
                .lock()
                .unwrap()
                .take()
                .expect("the first task stored its waker");
            for _ in 0..5 {
                waker.wake_by_ref();
            }
        });
        run_within(&exec, HANG);
        assert_eq!(
            probe.polls(),
            2,
            "five wakes that arrive before a task's next poll must lead to one poll, not five \
             (the task must never be on the queue twice)"
        );
    }

    #[test]
    fn two_self_waking_tasks_take_turns() {
        let exec = Executor::new();
        let log = Arc::new(Mutex::new(String::new()));
        for name in ['a', 'b'] {
            let log = log.clone();
            exec.spawn(async move {
                for _ in 0..3 {
                    log.lock().unwrap().push(name);
                    ReadyAfter::new(1, ()).await;
                }
            });
        }
        run_within(&exec, HANG);
        assert_eq!(
            *log.lock().unwrap(),
            "ababab",
            "a woken task goes to the back of the queue (first in, first out), so two tasks that \
             wake themselves take turns"
        );
    }

    #[test]
    fn many_tasks_woken_by_threads_all_finish_round_after_round() {
        within(LIMIT, HANG, || {
            for round in 0..20u64 {
                let exec = Executor::new();
                let done = Arc::new(Mutex::new(0));
                for i in 0..20u64 {
                    let done = done.clone();
                    let delay = Duration::from_micros((i * 37 + round * 11) % 400);
                    exec.spawn(async move {
                        WakeFromThread::new(delay, ()).await;
                        *done.lock().unwrap() += 1;
                    });
                }
                exec.run();
                assert_eq!(
                    *done.lock().unwrap(),
                    20,
                    "round {round}: run returned before all 20 tasks finished"
                );
            }
        });
    }

    #[test]
    fn waiting_costs_no_cpu() {
        let exec = Executor::new();
        for ms in [30, 50, 70] {
            exec.spawn(WakeFromThread::new(Duration::from_millis(ms), ()));
        }
        let spent = run_within(&exec, HANG);
        assert!(
            spent.cpu < Duration::from_millis(10)
                && spent.voluntary_switches < 25
                && spent.involuntary_switches < 30,
            "three tasks waiting 70 ms for other threads cost run {:?} of CPU, {} sleeps and {} \
             preemptions: while nothing is queued, sleep until a wake (no spinning, no ticking)",
            spent.cpu,
            spent.voluntary_switches,
            spent.involuntary_switches
        );
    }

    /// A wake that lands just as `run` finds the queue empty and goes to sleep. Another thread
    /// wakes the task a moment after its poll returned `Pending`, and that moment moves by a few
    /// nanoseconds every round, so over thousands of rounds the wake lands on every step of the
    /// run loop's way to sleep, including between "the queue is empty" and "start waiting".
    #[test]
    fn wakes_landing_as_run_goes_to_sleep_are_never_lost() {
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
        const ROUNDS: u64 = 50_000;
        let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
        let go = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let waking = {
            let (slot, go, stop) = (slot.clone(), go.clone(), stop.clone());
            thread::spawn(move || {
                let mut seen = 0;
                while !stop.load(SeqCst) {
                    let round = go.load(SeqCst);
                    if round == seen {
                        std::hint::spin_loop();
                        continue;
                    }
                    seen = round;
                    for _ in 0..round % 61 {
                        std::hint::spin_loop();
                    }
                    if let Some(waker) = slot.lock().unwrap().take() {
                        waker.wake();
                    }
                }
            })
        };
        let rounds = {
            let (slot, go) = (slot.clone(), go.clone());
            within(
                LIMIT,
                "Executor::run never returned: a wake from another thread landed just as run \
                 found the queue empty and went to sleep, and was lost. Check \"nothing queued\" \
                 and start waiting under the one lock a wake takes to push (Condvar::wait(guard) \
                 releases it and sleeps in one step); do not unlock, then lock again to wait",
                move || {
                    let start = std::time::Instant::now();
                    let mut played = 0;
                    for round in 1..=ROUNDS {
                        if start.elapsed() > STRESS_BUDGET {
                            break; // a loaded machine plays fewer rounds
                        }
                        let exec = Executor::new();
                        let (slot, go) = (slot.clone(), go.clone());
                        let mut polled = false;
                        exec.spawn(std::future::poll_fn(move |cx| {
                            if polled {
                                return Poll::Ready(());
                            }
                            polled = true;
                            *slot.lock().unwrap() = Some(cx.waker().clone());
                            go.store(round, SeqCst);
                            Poll::Pending
                        }));
                        exec.run();
                        played += 1;
                    }
                    played
                },
            )
        };
        stop.store(true, SeqCst);
        waking.join().expect("the waking thread panicked");
        assert!(rounds > 0, "no round of the race was played");
    }
}

mod e03_join_handle {
    use super::*;
    use lesson_04::e03_join_handle::*;
    use shared::Harness;
    use shared::testing::{finishes, poll_with, within};
    use shared::wakers::{counting_waker, noop_waker};
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::task::Poll;
    use std::thread;

    #[test]
    fn a_task_finished_on_another_thread_wakes_the_handle() {
        let (task, handle) = with_handle(async {
            shared::test_futures::WakeFromThread::new(Duration::from_millis(15), "far").await
        });
        let runner = thread::spawn(move || shared::block_on(task));
        let run = Harness::new().named("JoinHandle").block_on(handle);
        runner.join().expect("the runnable panicked");
        assert_eq!(
            run.output,
            Ok("far"),
            "the handle gets the output of a task run elsewhere"
        );
        assert_eq!(
            run.wakes, 1,
            "the task's completion wakes the handle exactly once"
        );
    }

    #[test]
    fn a_formatted_panic_message_is_kept() {
        let (mut task, mut handle) = with_handle(async {
            let tooth = 7;
            if tooth > 0 {
                panic!("jammed at tooth {tooth}");
            }
        });
        assert!(
            poll_with(&mut task, &noop_waker()).is_ready(),
            "a Runnable whose future panicked is Ready(()): the panic is its result"
        );
        assert_eq!(
            poll_with(&mut handle, &noop_waker()),
            Poll::Ready(Err(JoinError::Panicked("jammed at tooth 7".into()))),
            "a panic!(\"..{{x}}..\") carries a String: report its text in JoinError::Panicked"
        );
    }

    #[test]
    fn a_runnable_dropped_after_a_pending_poll_cancels_but_a_finished_one_does_not() {
        let (mut task, mut handle) = with_handle(shared::test_futures::ReadyAfter::new(3, 'x'));
        assert!(
            poll_with(&mut task, &noop_waker()).is_pending(),
            "a Runnable whose future is Pending is Pending"
        );
        cancel(task);
        assert_eq!(
            poll_with(&mut handle, &noop_waker()),
            Poll::Ready(Err(JoinError::Cancelled)),
            "a task dropped after it started but before it finished is reported Cancelled"
        );
        let (mut task, mut handle) = with_handle(async { 'y' });
        assert!(
            poll_with(&mut task, &noop_waker()).is_ready(),
            "a Runnable whose future is ready is Ready(())"
        );
        cancel(task);
        assert_eq!(
            poll_with(&mut handle, &noop_waker()),
            Poll::Ready(Ok('y')),
            "dropping a Runnable that already finished must not replace its output with Cancelled"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn fifty_handles_joined_in_reverse_order() {
        let mut handles = Vec::new();
        for i in 0..50u64 {
            let (task, handle) = with_handle(async move {
                tokio::time::sleep(Duration::from_millis(50 - i)).await;
                i * i
            });
            tokio::spawn(task);
            handles.push(handle);
        }
        for (i, handle) in handles.into_iter().enumerate().rev() {
            let run = Harness::new()
                .named(format!("handle {i}"))
                .run(handle)
                .await;
            let i = i as u64;
            assert_eq!(
                run.output,
                Ok(i * i),
                "handle {i} returns its own task's output"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_handle_awaited_by_another_task() {
        let (task, handle) = with_handle(async {
            tokio::time::sleep(Duration::from_millis(30)).await;
            "inner"
        });
        let waiter = tokio::spawn(handle);
        tokio::time::sleep(Duration::from_millis(5)).await;
        tokio::spawn(task);
        let got = finishes("a task awaiting a JoinHandle", waiter).await;
        assert_eq!(
            got.expect("the waiting task panicked"),
            Ok("inner"),
            "a task awaiting a handle is woken when the other task finishes"
        );
    }

    #[test]
    fn completion_racing_the_handles_poll_never_loses_the_wake() {
        const ROUNDS: usize = 3_000;
        let lost = within(
            LIMIT,
            "rounds of completion racing a poll never finished",
            || {
                let go = Arc::new(AtomicUsize::new(0));
                let mut lost = 0;
                let start = std::time::Instant::now();
                for round in 0..ROUNDS {
                    if start.elapsed() > STRESS_BUDGET {
                        break; // a loaded machine plays fewer rounds
                    }
                    let (mut task, mut handle) = with_handle(async move { round });
                    let runner = {
                        let go = go.clone();
                        thread::spawn(move || {
                            while go.load(SeqCst) <= round {
                                std::hint::spin_loop();
                            }
                            let _ = poll_with(&mut task, &noop_waker());
                        })
                    };
                    let (waker, counts) = counting_waker();
                    go.store(round + 1, SeqCst);
                    let first = poll_with(&mut handle, &waker);
                    runner.join().expect("the runnable panicked");
                    if first.is_pending() && counts.total_wakes() == 0 {
                        lost += 1;
                    }
                }
                lost
            },
        );
        assert_eq!(
            lost, 0,
            "in {lost} rounds the task finished while its handle was being polled, \
             and the handle was never woken (a lost wakeup): check for the result and store the \
             waker under one lock"
        );
    }

    /// The task finishes on another thread while its handle is being polled, at a moment that
    /// moves by a few nanoseconds every round, so that over many rounds the completion lands
    /// on every step of the handle's poll (one long-lived thread, so rounds are cheap).
    #[test]
    fn completion_swept_across_the_handles_poll_never_loses_the_wake() {
        type Job = Runnable<std::future::Ready<u64>>;
        const ROUNDS: u64 = 100_000;
        let slot: Arc<std::sync::Mutex<Option<Job>>> = Arc::default();
        let go = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let done = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let runner = {
            let (slot, go, done, stop) = (slot.clone(), go.clone(), done.clone(), stop.clone());
            thread::spawn(move || {
                let mut seen = 0;
                while !stop.load(SeqCst) {
                    let round = go.load(SeqCst);
                    if round == seen {
                        std::hint::spin_loop();
                        continue;
                    }
                    seen = round;
                    for _ in 0..round % 53 {
                        std::hint::spin_loop();
                    }
                    if let Some(mut job) = slot.lock().unwrap().take() {
                        let _ = poll_with(&mut job, &noop_waker());
                    }
                    done.store(round, SeqCst);
                }
            })
        };
        let (lost, played) = within(
            LIMIT,
            "rounds of completion racing a poll never finished",
            {
                let (slot, go, done) = (slot.clone(), go.clone(), done.clone());
                move || {
                    let start = std::time::Instant::now();
                    let (mut lost, mut played) = (0, 0);
                    for round in 1..=ROUNDS {
                        if start.elapsed() > STRESS_BUDGET {
                            break; // a loaded machine plays fewer rounds
                        }
                        let (job, mut handle) = with_handle(std::future::ready(round));
                        *slot.lock().unwrap() = Some(job);
                        let (waker, counts) = counting_waker();
                        go.store(round, SeqCst);
                        for _ in 0..(round / 53) % 7 {
                            std::hint::spin_loop();
                        }
                        let first = poll_with(&mut handle, &waker);
                        while done.load(SeqCst) < round {
                            std::hint::spin_loop();
                        }
                        if first.is_pending() && counts.total_wakes() == 0 {
                            lost += 1;
                        }
                        played += 1;
                    }
                    (lost, played)
                }
            },
        );
        stop.store(true, SeqCst);
        runner.join().expect("the runner thread panicked");
        assert_eq!(
            lost, 0,
            "in {lost} of {played} rounds the task finished while its handle was being polled, and \
             the handle was never woken (a lost wakeup): look for the result and store the waker \
             under one lock, in one critical section"
        );
    }
}

mod e04_yield_now {
    use super::*;
    use lesson_04::e04_yield_now::*;
    use shared::Harness;
    use shared::executor::LocalExecutor;
    use shared::testing::{poll_with, within};
    use shared::wakers::counting_waker;
    use std::cell::RefCell;
    use std::rc::Rc;

    #[test]
    fn three_yielding_tasks_take_turns() {
        let log = within(LIMIT, "three yielding tasks never finished", || {
            let exec = LocalExecutor::new();
            let log = Rc::new(RefCell::new(String::new()));
            for name in ['a', 'b', 'c'] {
                let log = log.clone();
                exec.spawn(async move {
                    for _ in 0..3 {
                        log.borrow_mut().push(name);
                        yield_now().await;
                    }
                });
            }
            exec.run();
            log.take()
        });
        assert_eq!(
            log, "abcabcabc",
            "three yielding tasks on a FIFO executor take turns"
        );
    }

    #[test]
    fn the_waker_of_the_yielding_poll_is_the_one_woken() {
        let mut fut = yield_now();
        let (first, first_counts) = counting_waker();
        assert!(
            poll_with(&mut fut, &first).is_pending(),
            "the first poll yields (Pending)"
        );
        let (second, second_counts) = counting_waker();
        assert!(
            poll_with(&mut fut, &second).is_ready(),
            "the second poll is Ready"
        );
        assert_eq!(
            (first_counts.total_wakes(), second_counts.total_wakes()),
            (1, 0),
            "yield_now wakes the waker of the poll that returned Pending, once, and nothing on the \
             Ready poll"
        );
    }

    #[test]
    fn a_thousand_yields_cost_a_thousand_and_one_polls() {
        let run = Harness::new().named("1,000 yields").block_on(async {
            for _ in 0..1_000 {
                yield_now().await;
            }
        });
        assert_eq!(run.polls, 1_001, "each yield is exactly one Pending");
    }

    #[tokio::test(start_paused = true)]
    async fn sum_politely_yields_exactly_after_each_nth_item() {
        for (items, every, sum, polls) in [
            (0..35u64, 10, 595, 4),
            (0..5u64, 1, 10, 6),
            (0..0u64, 3, 0, 1),
            (1..15u64, 7, 105, 3),
        ] {
            let what = format!("sum_politely({items:?}, {every})");
            let run = Harness::new()
                .named(what.clone())
                .run(sum_politely(items, every))
                .await;
            assert_eq!(run.output, sum, "{what} adds up every item");
            assert_eq!(
                run.polls, polls,
                "{what} should yield once after every {every}th item: {polls} polls in all, not {}",
                run.polls
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn yield_now_works_under_tokio() {
        let other_ran = Rc::new(RefCell::new(false));
        let flag = other_ran.clone();
        let local = tokio::task::LocalSet::new();
        local
            .run_until(async move {
                let other = tokio::task::spawn_local(async move { *flag.borrow_mut() = true });
                yield_now().await;
                assert!(
                    *other_ran.borrow(),
                    "after yield_now().await, a task that was already queued has had its turn"
                );
                other.await.unwrap();
            })
            .await;
    }
}

mod e05_timer {
    use super::*;
    use lesson_04::e05_timer::*;
    use shared::cpu::Usage;
    use shared::testing::{poll_on_thread, poll_with, wait_for_wakes, within};
    use shared::wakers::{WakeCounts, counting_waker};
    use std::sync::Mutex;
    use std::task::Wake;
    use std::thread::{self, ThreadId};
    use std::time::Instant;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<ThreadId>>);

    impl Wake for Recorder {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.lock().unwrap().push(thread::current().id());
        }
    }

    #[test]
    fn sleeps_polled_from_many_threads_are_woken_by_one_thread_round_after_round() {
        within(
            LIMIT,
            "sleeps polled from several threads were never all woken",
            || {
                let timer = Timer::new();
                let mut seen = Vec::new();
                for round in 0..2u64 {
                    let recorders: Vec<_> = (0..40u64)
                        .filter_map(|i| {
                            let recorder = Arc::new(Recorder::default());
                            let sleep =
                                timer.sleep(Duration::from_millis(30 + (i * 5 + round) % 25));
                            let (sleep, poll) =
                                poll_on_thread(sleep, Waker::from(recorder.clone()));
                            // On a very busy machine a sleep may be over before its first poll.
                            poll.is_pending().then_some((sleep, recorder))
                        })
                        .collect();
                    let start = Instant::now();
                    while recorders
                        .iter()
                        .any(|(_, r)| r.0.lock().unwrap().is_empty())
                    {
                        assert!(
                            start.elapsed() < Duration::from_secs(2),
                            "round {round}: sleeps polled on other threads were not all woken"
                        );
                        thread::sleep(Duration::from_millis(2));
                    }
                    thread::sleep(Duration::from_millis(10));
                    for (i, (_, r)) in recorders.iter().enumerate() {
                        let wakes = r.0.lock().unwrap().clone();
                        assert_eq!(
                            wakes.len(),
                            1,
                            "round {round}, sleep {i}: woken once, not {}",
                            wakes.len()
                        );
                        seen.push(wakes[0]);
                    }
                }
                let seen: std::collections::HashSet<_> = seen.into_iter().collect();
                assert!(
                    seen.len() <= 1,
                    "80 sleeps over two rounds were woken from {} threads: one timer thread serves \
                 every sleep, for the timer's whole life",
                    seen.len()
                );
            },
        );
    }

    #[test]
    fn half_of_the_sleeps_cancelled() {
        within(LIMIT, "the sleeps that were kept were never woken", || {
            let timer = Timer::new();
            let mut kept: Vec<(Sleep, Arc<WakeCounts>)> = Vec::new();
            let mut dropped: Vec<Arc<WakeCounts>> = Vec::new();
            for i in 0..100u64 {
                let mut sleep = timer.sleep(Duration::from_millis(60 + i % 20));
                let (waker, counts) = counting_waker();
                assert!(
                    poll_with(&mut sleep, &waker).is_pending(),
                    "a sleep polled long before its deadline is Pending"
                );
                if i % 2 == 0 {
                    kept.push((sleep, counts));
                } else {
                    cancel(sleep);
                    dropped.push(counts);
                }
            }
            assert_eq!(
                timer.pending(),
                50,
                "50 of 100 polled sleeps were dropped: 50 are pending"
            );
            let all: Vec<_> = kept.iter().map(|(_, c)| c.clone()).collect();
            let start = Instant::now();
            while all.iter().any(|c| c.total_wakes() == 0) {
                assert!(
                    start.elapsed() < Duration::from_secs(2),
                    "kept sleeps were not woken"
                );
                thread::sleep(Duration::from_millis(2));
            }
            thread::sleep(Duration::from_millis(15));
            assert!(
                dropped
                    .iter()
                    .all(|c| c.total_wakes() == 0 && c.alive() == 0),
                "a dropped sleep must never be woken, and the timer must not keep its waker"
            );
            assert!(
                all.iter().all(|c| c.total_wakes() == 1),
                "every kept sleep is woken exactly once"
            );
        });
    }

    #[test]
    fn a_sleep_of_zero_is_ready_at_once_and_never_registered() {
        let timer = Timer::new();
        let mut sleep = timer.sleep(Duration::ZERO);
        let (waker, counts) = counting_waker();
        assert!(
            poll_with(&mut sleep, &waker).is_ready(),
            "a zero-length sleep is Ready at once"
        );
        assert_eq!(
            timer.pending(),
            0,
            "a sleep that is Ready at once is not registered"
        );
        assert_eq!(
            counts.clones(),
            0,
            "a sleep that is Ready at once keeps no waker"
        );
    }

    /// A waker that reads, on the thread that wakes it, that thread's CPU usage so far.
    #[derive(Default)]
    struct UsageAtWake(Mutex<Vec<Usage>>);

    impl Wake for UsageAtWake {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.lock().unwrap().push(Usage::this_thread());
        }
    }

    #[test]
    fn the_timer_thread_sleeps_between_deadlines() {
        let timer = Timer::new();
        let mut sleeps: Vec<_> = [20u64, 100]
            .iter()
            .map(|&ms| timer.sleep(Duration::from_millis(ms)))
            .collect();
        let seen = Arc::new(UsageAtWake::default());
        let waker = Waker::from(seen.clone());
        for sleep in &mut sleeps {
            assert!(
                poll_with(sleep, &waker).is_pending(),
                "a sleep polled long before its deadline is Pending"
            );
        }
        let start = Instant::now();
        while seen.0.lock().unwrap().len() < 2 && start.elapsed() < Duration::from_secs(2) {
            thread::sleep(Duration::from_millis(5));
        }
        let usages = seen.0.lock().unwrap().clone();
        assert_eq!(
            usages.len(),
            2,
            "two registered sleeps are woken, once each"
        );
        let idle = usages[1].since(&usages[0]);
        assert!(
            idle.cpu < Duration::from_millis(10) && idle.involuntary_switches < 30,
            "the timer thread used {:?} of CPU and was preempted {} times in the 80 ms between \
             two deadlines: it must sleep until the next deadline (Condvar::wait_timeout), not \
             spin or loop on yield_now",
            idle.cpu,
            idle.involuntary_switches
        );
        assert!(
            idle.voluntary_switches < 25,
            "the timer thread woke up {} times in the 80 ms between two deadlines: sleep until the \
             next deadline, do not tick",
            idle.voluntary_switches
        );
    }

    #[test]
    fn sleeps_due_right_away_race_the_timer_thread_and_all_wake() {
        within(
            LIMIT,
            "sleeps due within microseconds were not all woken",
            || {
                let timer = Timer::new();
                let start = Instant::now();
                for round in 0..300u64 {
                    if start.elapsed() > STRESS_BUDGET {
                        break; // a loaded machine plays fewer rounds
                    }
                    let mut sleep = timer.sleep(Duration::from_micros(round % 200));
                    let (waker, counts) = counting_waker();
                    if poll_with(&mut sleep, &waker).is_pending() {
                        let woken =
                            wait_for_wakes(&[counts], Duration::from_secs(1), Duration::ZERO);
                        assert!(
                            woken,
                            "round {round}: a sleep due in {}µs registered just before its deadline \
                         was never woken (the timer thread missed it)",
                            round % 200
                        );
                        assert!(
                            poll_with(&mut sleep, &waker).is_ready(),
                            "a woken sleep is Ready"
                        );
                    }
                }
            },
        );
    }
}

mod e06_worker_pool {
    use super::*;
    use lesson_04::e06_worker_pool::*;
    use shared::Probe;
    use shared::test_futures::{ReadyAfter, WakeFromThread};
    use shared::testing::within;
    use std::collections::BTreeSet;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    use std::sync::{Barrier, Mutex};
    use std::thread;

    const HANG: &str = "Pool::join never returned: a woken task was never run (a lost wakeup in \
                        the pool), or join waits for tasks that already finished, or a task \
                        woken during its poll was taken by a second worker that found its \
                        future missing (keep the future in its slot, locked, while polling)";

    #[test]
    fn join_with_no_tasks_returns_at_once() {
        within(LIMIT, "Pool::join with no tasks never returned", || {
            Pool::new(3).join()
        });
    }

    #[test]
    fn a_burst_spawned_before_the_workers_sleep_runs_in_parallel() {
        within(
            LIMIT,
            "4 tasks that must run at the same time never did on a pool of 4 workers",
            || {
                let pool = Pool::new(4);
                let barrier = Arc::new(Barrier::new(4));
                for _ in 0..4 {
                    let barrier = barrier.clone();
                    pool.spawn(async move {
                        barrier.wait();
                    });
                }
                pool.join();
            },
        );
    }

    #[test]
    fn two_hundred_self_waking_tasks_are_polled_once_per_wake() {
        let (probes, names) = within(LIMIT, HANG, || {
            let pool = Pool::new(4);
            let names = Arc::new(Mutex::new(BTreeSet::new()));
            let mut probes = Vec::new();
            for i in 0..200 {
                let (fut, probe) = Probe::new(&format!("task {i}"), ReadyAfter::new(20, ()));
                let names = names.clone();
                pool.spawn(async move {
                    fut.await;
                    let me = thread::current().name().unwrap_or("<unnamed>").to_string();
                    names.lock().unwrap().insert(me);
                });
                probes.push(probe);
            }
            pool.join();
            let names = names.lock().unwrap().clone();
            (probes, names)
        });
        for (i, probe) in probes.iter().enumerate() {
            assert_eq!(
                probe.polls(),
                21,
                "task {i} woke itself 20 times and must be polled 21 times, once per wake, even \
                 with four workers taking from the queue"
            );
        }
        assert!(
            names.iter().all(|n| n.starts_with("gears-worker-")),
            "tasks run on the workers, named gears-worker-N: {names:?}"
        );
    }

    #[test]
    fn many_tasks_woken_from_outside_all_finish() {
        let done = within(LIMIT, HANG, || {
            let pool = Pool::new(3);
            let done = Arc::new(AtomicUsize::new(0));
            for i in 0..300u64 {
                let done = done.clone();
                pool.spawn(async move {
                    WakeFromThread::new(Duration::from_micros(i * 13 % 300), ()).await;
                    WakeFromThread::new(Duration::from_micros(i * 7 % 200), ()).await;
                    done.fetch_add(1, SeqCst);
                });
                if i % 50 == 0 {
                    thread::sleep(Duration::from_millis(1)); // let the workers fall asleep
                }
            }
            pool.join();
            done.load(SeqCst)
        });
        assert_eq!(done, 300, "join returned before all 300 tasks finished");
    }

    /// A wake that lands just as the only worker finds the queue empty and goes to sleep (the
    /// moment moves a little every round, so it hits every step of the worker's way to sleep).
    #[test]
    fn wakes_landing_as_the_worker_goes_to_sleep_are_never_lost() {
        use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::SeqCst};
        use std::task::Poll;
        const ROUNDS: u64 = 20_000;
        let slot: Arc<Mutex<Option<Waker>>> = Arc::default();
        let go = Arc::new(AtomicU64::new(0));
        let finished = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let waking = {
            let (slot, go, stop) = (slot.clone(), go.clone(), stop.clone());
            thread::spawn(move || {
                let mut seen = 0;
                while !stop.load(SeqCst) {
                    let round = go.load(SeqCst);
                    if round == seen {
                        std::hint::spin_loop();
                        continue;
                    }
                    seen = round;
                    for _ in 0..round % 61 {
                        std::hint::spin_loop();
                    }
                    if let Some(waker) = slot.lock().unwrap().take() {
                        waker.wake();
                    }
                }
            })
        };
        let pool = Pool::new(1);
        let start = std::time::Instant::now();
        let mut lost = None;
        for round in 1..=ROUNDS {
            if start.elapsed() > STRESS_BUDGET {
                break; // a loaded machine plays fewer rounds
            }
            let (slot, go, done) = (slot.clone(), go.clone(), finished.clone());
            let mut polled = false;
            pool.spawn(std::future::poll_fn(move |cx| {
                if polled {
                    done.fetch_add(1, SeqCst);
                    return Poll::Ready(());
                }
                polled = true;
                *slot.lock().unwrap() = Some(cx.waker().clone());
                go.store(round, SeqCst);
                Poll::Pending
            }));
            let waited = std::time::Instant::now();
            while finished.load(SeqCst) < round as usize {
                if waited.elapsed() > Duration::from_secs(1) {
                    lost = Some(round);
                    break;
                }
                thread::yield_now();
            }
            if lost.is_some() {
                break;
            }
        }
        stop.store(true, SeqCst);
        waking.join().expect("the waking thread panicked");
        assert_eq!(
            lost, None,
            "a task woken just as the only worker found the queue empty and went to sleep was \
             never run again (a lost wakeup): check \"nothing queued\" and start waiting under \
             the one lock a wake takes to push (Condvar::wait(guard) releases it and sleeps in \
             one step); do not unlock, then lock again to wait"
        );
        if lost.is_none() {
            within(LIMIT, HANG, move || pool.join());
        }
    }
}
