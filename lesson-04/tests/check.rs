//! Visible tests for lesson 04, one module per exercise (`cargo xtask check lesson-04`).
//!
//! The executors of this lesson run on real threads, so every test that runs one does it under
//! `shared::testing::within`: an executor that hangs (a lost wakeup, a run loop that never ends)
//! fails with a sentence naming the promise instead of stopping the test run. Timings are kept
//! short and the margins wide, so the tests hold on a busy machine.

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

mod e01_task_waker {
    use super::*;
    use lesson_04::e01_task_waker::*;

    #[test]
    fn a_new_task_is_not_on_the_queue() {
        let queue = RunQueue::new();
        let task = Task::new(7, &queue);
        assert_eq!(
            task.id(),
            7,
            "Task::id returns the id the task was made with"
        );
        assert!(
            queue.is_empty() && !task.is_scheduled(),
            "Task::new makes a task that is not on the queue yet (queue length {}, scheduled {})",
            queue.len(),
            task.is_scheduled()
        );
    }

    #[test]
    fn waking_puts_the_task_on_the_queue() {
        let queue = RunQueue::new();
        let task = Task::new(1, &queue);
        Waker::from(task.clone()).wake();
        assert_eq!(
            queue.len(),
            1,
            "waking a task's waker puts the task on its run queue"
        );
        assert!(
            task.is_scheduled(),
            "a queued task reports is_scheduled() == true"
        );
        let popped = queue.pop().map(|t| t.id());
        assert_eq!(popped, Some(1), "pop returns the task that was woken");
        assert!(
            !task.is_scheduled(),
            "pop marks the task as no longer scheduled (the executor is about to poll it)"
        );
    }

    #[test]
    fn many_wakes_queue_the_task_once() {
        let queue = RunQueue::new();
        let task = Task::new(2, &queue);
        let waker = Waker::from(task.clone());
        for _ in 0..3 {
            waker.wake_by_ref();
        }
        let extra = waker.clone();
        extra.wake();
        assert!(
            !task.schedule(),
            "schedule() on a task that is already queued returns false and does nothing"
        );
        assert_eq!(
            queue.len(),
            1,
            "a task woken five times before it is polled must be on the queue once, not {} times: \
             set the 'already scheduled' flag on the first wake and skip the push while it is set",
            queue.len()
        );
    }

    #[test]
    fn a_popped_task_can_be_woken_again() {
        let queue = RunQueue::new();
        let task = Task::new(3, &queue);
        let waker = Waker::from(task.clone());
        for round in 1..=3 {
            waker.wake_by_ref();
            assert_eq!(
                queue.pop().map(|t| t.id()),
                Some(3),
                "round {round}: a wake after the task was popped must queue it again (the flag is \
                 cleared when the executor takes the task off the queue); otherwise that task is \
                 never polled again: a lost wakeup"
            );
        }
        assert!(
            queue.pop().is_none(),
            "the queue is empty once every wake was served"
        );
    }

    #[test]
    fn the_queue_is_first_in_first_out() {
        let queue = RunQueue::new();
        let tasks: Vec<_> = (0..5).map(|id| Task::new(id, &queue)).collect();
        let order = [3, 1, 4, 0, 2];
        for &id in &order {
            Waker::from(tasks[id].clone()).wake();
        }
        let popped: Vec<_> = std::iter::from_fn(|| queue.pop().map(|t| t.id())).collect();
        assert_eq!(
            popped, order,
            "the run queue serves tasks in the order they were woken (first in, first out); \
             serving the newest first lets two busy tasks starve the others"
        );
    }

    /// Two threads wake the same fresh task at (nearly) the same instant, round after round; the
    /// two wakes are shifted against each other by a few nanoseconds each round so that some of
    /// them overlap exactly. Exactly one of them must queue the task.
    #[test]
    fn two_threads_waking_at_once_queue_the_task_once() {
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        use std::thread;
        const ROUNDS: usize = 10_000;
        let queue = RunQueue::new();
        let tasks: Arc<Vec<_>> = Arc::new((0..ROUNDS).map(|id| Task::new(id, &queue)).collect());
        let (go, done) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let wait_for = |flag: &AtomicUsize, round: usize| {
            let mut spins = 0u32;
            while flag.load(SeqCst) <= round {
                spins += 1;
                if spins.is_multiple_of(64) {
                    thread::yield_now();
                }
                std::hint::spin_loop();
            }
        };
        let (bad, played) = shared::testing::within(
            LIMIT,
            "rounds of two racing wakes never finished",
            move || {
                let other = {
                    let (tasks, go, done) = (tasks.clone(), go.clone(), done.clone());
                    thread::spawn(move || {
                        let mut queued = Vec::new();
                        for round in 0..ROUNDS {
                            wait_for(&go, round);
                            if go.load(SeqCst) == usize::MAX {
                                break;
                            }
                            for _ in 0..round % 13 {
                                std::hint::spin_loop();
                            }
                            queued.push(tasks[round].schedule());
                            done.store(round + 1, SeqCst);
                        }
                        queued
                    })
                };
                let start = std::time::Instant::now();
                let (mut here, mut lengths) = (Vec::new(), Vec::new());
                for round in 0..ROUNDS {
                    if start.elapsed() > Duration::from_millis(300) {
                        break; // a loaded machine plays fewer rounds
                    }
                    go.store(round + 1, SeqCst);
                    for _ in 0..(round / 13) % 11 {
                        std::hint::spin_loop();
                    }
                    here.push(tasks[round].schedule());
                    wait_for(&done, round);
                    lengths.push(queue.len());
                    while queue.pop().is_some() {}
                }
                go.store(usize::MAX, SeqCst);
                let there = other.join().expect("the waking thread panicked");
                let played = here.len();
                let bad = (0..played)
                    .filter(|&r| lengths[r] != 1 || here[r] == there[r])
                    .count();
                (bad, played)
            },
        );
        assert_eq!(
            bad, 0,
            "two threads woke the same task at once, and in {bad} of {played} rounds it was not \
             queued exactly once (or both or neither schedule() returned true): test and set the \
             flag in one atomic step (AtomicBool::swap), not a load followed by a store"
        );
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
    use std::time::Instant;

    /// Runs `exec.run()` on a helper thread under a time limit; returns the CPU time and context
    /// switches that thread spent, and the real time `run` took.
    fn run_within(exec: &Executor) -> (Usage, Duration) {
        let exec = exec.clone();
        within(
            LIMIT,
            "Executor::run never returned: a task was woken but never polled again (a lost \
             wakeup: was the flag cleared before the poll, and does a wake wake the run loop?), \
             or run waits for tasks that already finished, or run holds the queue's lock while \
             it polls (a wake during the poll then waits for that lock forever: a deadlock)",
            move || {
                let (before, start) = (Usage::this_thread(), Instant::now());
                exec.run();
                (Usage::this_thread().since(&before), start.elapsed())
            },
        )
    }

    #[test]
    fn runs_every_task_in_spawn_order_and_only_inside_run() {
        let exec = Executor::new();
        let log = Arc::new(Mutex::new(Vec::new()));
        for id in 0..4 {
            let log = log.clone();
            exec.spawn(async move { log.lock().unwrap().push(id) });
        }
        assert!(
            log.lock().unwrap().is_empty(),
            "spawn only queues a task: nothing may run before Executor::run is called"
        );
        run_within(&exec);
        assert_eq!(
            *log.lock().unwrap(),
            [0, 1, 2, 3],
            "run polls every spawned task, first spawned first"
        );
    }

    #[test]
    fn a_task_is_polled_once_per_wake() {
        let exec = Executor::new();
        let (fut, probe) = Probe::new("ReadyAfter(3)", ReadyAfter::new(3, ()));
        exec.spawn(fut);
        run_within(&exec);
        assert_eq!(
            probe.polls(),
            4,
            "a task that wakes itself 3 times must be polled 4 times (once when spawned, once per \
             wake): fewer means a wake was lost (a wake during the poll must queue the task again), \
             more means the executor polls without being asked"
        );
    }

    #[test]
    fn run_waits_for_a_task_woken_by_another_thread_without_spinning() {
        let exec = Executor::new();
        let (fut, probe) = Probe::new(
            "WakeFromThread(90 ms)",
            WakeFromThread::new(Duration::from_millis(90), ()),
        );
        let finished = Arc::new(Mutex::new(false));
        let flag = finished.clone();
        exec.spawn(async move {
            fut.await;
            *flag.lock().unwrap() = true;
        });
        let (spent, took) = run_within(&exec);
        assert!(
            *finished.lock().unwrap(),
            "run returned after {took:?} while a task was still waiting for another thread: run \
             must return only when every task has finished, not when the queue is empty"
        );
        assert_eq!(
            probe.polls(),
            2,
            "a task woken once was polled {} times: poll a task only after its waker fired, never \
             to check on it",
            probe.polls()
        );
        assert!(
            spent.cpu < Duration::from_millis(10) && spent.involuntary_switches < 30,
            "run used {:?} of CPU and was preempted {} times while its only task waited {took:?} \
             for another thread: while nothing is queued, sleep until a wake (a Condvar or \
             thread::park), do not spin",
            spent.cpu,
            spent.involuntary_switches
        );
        assert!(
            spent.voluntary_switches < 10,
            "run's thread went to sleep and woke up {} times while waiting for one wake: it ticks \
             (waits with a short timeout and looks again). Sleep until a wake arrives instead",
            spent.voluntary_switches
        );
    }

    #[test]
    fn a_wake_polls_only_the_task_it_belongs_to() {
        let exec = Executor::new();
        let (waiting, waiting_probe) = Probe::new(
            "WakeFromThread(30 ms)",
            WakeFromThread::new(Duration::from_millis(30), ()),
        );
        let (busy, busy_probe) = Probe::new("ReadyAfter(20)", ReadyAfter::new(20, ()));
        exec.spawn(waiting);
        exec.spawn(busy);
        run_within(&exec);
        assert_eq!(
            (waiting_probe.polls(), busy_probe.polls()),
            (2, 21),
            "a task that waits for one wake must be polled twice, however often its neighbour \
             wakes itself (20 times here, so 21 polls for the neighbour): each task needs a waker \
             of its own that queues that task only"
        );
    }

    #[test]
    fn tasks_can_spawn_tasks() {
        let exec = Executor::new();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (spawner, inner_log) = (exec.clone(), log.clone());
        exec.spawn(async move {
            for id in 0..3 {
                let log = inner_log.clone();
                spawner.spawn(async move {
                    ReadyAfter::new(1, ()).await;
                    log.lock().unwrap().push(id);
                });
            }
        });
        run_within(&exec);
        let mut done = log.lock().unwrap().clone();
        done.sort();
        assert_eq!(
            done,
            [0, 1, 2],
            "tasks spawned by a running task must run too, before run returns"
        );
    }

    #[test]
    fn a_finished_task_is_never_polled_again() {
        let exec = Executor::new();
        let stash: Arc<Mutex<Option<Waker>>> = Arc::default();
        let keep = stash.clone();
        // Spawned directly, so that a poll after Ready meets the probe, which names rule 1.
        let (task, probe) = Probe::new(
            "a finished task",
            std::future::poll_fn(move |cx| {
                *keep.lock().unwrap() = Some(cx.waker().clone());
                std::task::Poll::Ready(())
            }),
        );
        exec.spawn(task);
        let late = stash.clone();
        exec.spawn(async move {
            // The first task has finished by now; wake it anyway, as a stale waker would.
            if let Some(waker) = late.lock().unwrap().take() {
                waker.wake();
            }
            ReadyAfter::new(2, ()).await;
        });
        run_within(&exec);
        assert_eq!(
            probe.polls(),
            1,
            "a task that finished was polled again after a late wake (rule 1): drop a task's \
             future when it returns Ready and skip it if it is woken afterwards"
        );
    }
}

mod e03_join_handle {
    use super::*;
    use lesson_04::e03_join_handle::*;
    use shared::Harness;
    use shared::testing::{finishes, poll_with};
    use shared::wakers::{counting_waker, noop_waker};
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    use std::task::Poll;

    #[tokio::test(start_paused = true)]
    async fn the_handle_completes_with_the_output_when_the_task_finishes() {
        let (task, handle) = with_handle(async {
            tokio::time::sleep(Duration::from_millis(10)).await;
            6 * 7
        });
        tokio::spawn(task);
        let run = Harness::new().named("JoinHandle").run(handle).await;
        assert_eq!(
            run.output,
            Ok(42),
            "the handle completes with Ok(the task's output)"
        );
        assert_eq!(
            run.polls, 2,
            "the handle should be polled twice: Pending, then (woken by the task's completion) \
             Ready; it was polled {} times",
            run.polls
        );
    }

    #[test]
    fn a_result_delivered_before_the_first_poll_is_ready_at_once() {
        let (mut task, mut handle) = with_handle(async { String::from("early") });
        assert_eq!(
            poll_with(&mut task, &noop_waker()),
            Poll::Ready(()),
            "a Runnable whose future is ready is Ready(()) itself"
        );
        let (waker, _counts) = counting_waker();
        assert_eq!(
            poll_with(&mut handle, &waker),
            Poll::Ready(Ok(String::from("early"))),
            "a handle whose task already finished is Ready on its first poll"
        );
    }

    #[test]
    fn the_latest_waker_of_the_handle_is_woken_once() {
        let (mut task, mut handle) = with_handle(async { 1 });
        let (first, first_counts) = counting_waker();
        let (second, second_counts) = counting_waker();
        assert!(
            poll_with(&mut handle, &first).is_pending(),
            "the handle is Pending while the task has not finished"
        );
        assert!(
            poll_with(&mut handle, &second).is_pending(),
            "the handle stays Pending while the task has not finished"
        );
        assert!(
            poll_with(&mut task, &noop_waker()).is_ready(),
            "a Runnable whose future is ready is Ready(()) itself"
        );
        assert_eq!(
            (first_counts.total_wakes(), second_counts.total_wakes()),
            (0, 1),
            "when the task finishes, it must wake the waker of the handle's latest poll, once (an \
             older waker may belong to a task that moved on): keep the newest waker"
        );
        assert_eq!(
            poll_with(&mut handle, &second),
            Poll::Ready(Ok(1)),
            "after the wake the handle is Ready with the output"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_handle_does_not_stop_the_task() {
        let finished = Arc::new(AtomicBool::new(false));
        let flag = finished.clone();
        let (task, handle) = with_handle(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            flag.store(true, SeqCst);
        });
        cancel(handle);
        let joined = tokio::spawn(task);
        finishes("the task whose handle was dropped", joined)
            .await
            .expect("the runnable must not panic");
        assert!(
            finished.load(SeqCst),
            "a task whose JoinHandle was dropped must still run to the end (a dropped handle \
             detaches the task, it does not cancel it)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_panicking_task_is_reported_as_an_error() {
        let (task, handle) = with_handle(async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            if true {
                panic!("the gears jammed");
            }
            7
        });
        let ran = tokio::spawn(task);
        let result = finishes(
            "the handle of a task that panicked (report the panic as Err(JoinError::Panicked), do \
             not leave the handle waiting)",
            handle,
        )
        .await;
        assert_eq!(
            result,
            Err(JoinError::Panicked("the gears jammed".into())),
            "a task that panics is reported through its handle as Err(JoinError::Panicked(its \
             message))"
        );
        let ran = finishes(
            "the Runnable whose future panicked (once it has caught the panic and delivered the \
             error it is finished: return Ready(()), do not stay Pending)",
            ran,
        )
        .await;
        assert!(
            ran.is_ok(),
            "the panic must be caught inside the Runnable (catch_unwind), not passed on to the \
             executor that polls it"
        );
    }

    #[test]
    fn a_panic_with_a_formatted_message_keeps_its_text() {
        let (mut task, mut handle) = with_handle(async {
            let gear = 3;
            if gear > 0 {
                panic!("gear {gear} lost a tooth");
            }
        });
        let _ = poll_with(&mut task, &noop_waker());
        assert_eq!(
            poll_with(&mut handle, &noop_waker()),
            Poll::Ready(Err(JoinError::Panicked("gear 3 lost a tooth".into()))),
            "panic!(\"..{{x}}..\") carries a String payload, panic!(\"text\") a &str: read both \
             (downcast_ref::<&str>, then downcast_ref::<String>) and report the text in \
             JoinError::Panicked"
        );
    }

    #[test]
    fn a_runnable_dropped_unfinished_cancels_the_handle() {
        let (task, mut handle) = with_handle(std::future::pending::<u8>());
        let (waker, counts) = counting_waker();
        assert!(
            poll_with(&mut handle, &waker).is_pending(),
            "the handle of a task that has not run is Pending"
        );
        cancel(task);
        assert_eq!(
            counts.total_wakes(),
            1,
            "dropping an unfinished Runnable (its executor went away) must wake the handle, or \
             the handle waits forever"
        );
        assert_eq!(
            poll_with(&mut handle, &waker),
            Poll::Ready(Err(JoinError::Cancelled)),
            "the handle of a task dropped before it finished reports Err(JoinError::Cancelled)"
        );
    }
}

mod e04_yield_now {
    use super::*;
    use lesson_04::e04_yield_now::*;
    use shared::executor::LocalExecutor;
    use shared::testing::{poll_with, within};
    use shared::wakers::counting_waker;
    use shared::{Harness, Probe};
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use std::task::Poll;

    #[test]
    fn yield_now_wakes_itself_in_the_same_poll_and_is_pending_once() {
        let mut fut = yield_now();
        let (waker, counts) = counting_waker();
        assert_eq!(
            poll_with(&mut fut, &waker),
            Poll::Pending,
            "the first poll of yield_now() returns Pending (that is the yield)"
        );
        assert_eq!(
            counts.total_wakes(),
            1,
            "before returning Pending, yield_now wakes its own task, once, in that same poll \
             (rule 2): otherwise nobody ever polls the task again"
        );
        assert_eq!(
            poll_with(&mut fut, &waker),
            Poll::Ready(()),
            "the second poll of yield_now() is Ready: a yield is one Pending, not more"
        );
        // Who woke it, and when: the wake must already have happened, on this thread, by the
        // time poll returns (a wake sent later from a helper thread is too late to keep order).
        let here = std::thread::current()
            .name()
            .unwrap_or("<unnamed>")
            .to_string();
        let (waker, threads) = shared::wakers::thread_recording_waker();
        let mut fut = yield_now();
        let _ = poll_with(&mut fut, &waker);
        assert_eq!(
            threads.names(),
            [here],
            "yield_now must wake its task itself, inside the poll that returns Pending (call \
             cx.waker().wake_by_ref() before returning), not later and not from another thread"
        );
    }

    #[test]
    fn under_the_harness_a_yield_costs_two_polls() {
        let run = Harness::new().named("yield_now()").block_on(yield_now());
        assert_eq!(
            run.polls, 2,
            "yield_now() must be Pending once and Ready on the next poll: 2 polls, not {}",
            run.polls
        );
    }

    #[test]
    fn two_yielding_tasks_take_turns() {
        let log = within(LIMIT, "two yielding tasks never finished", || {
            let exec = LocalExecutor::new();
            let log = Rc::new(RefCell::new(String::new()));
            for name in ['a', 'b'] {
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
            log, "ababab",
            "two tasks that yield after each step on a first-in, first-out executor must take \
             turns; yield_now must wake its own task inside the poll that returns Pending, \
             then return Pending exactly once"
        );
    }

    #[test]
    fn sum_politely_yields_after_item_every_not_before() {
        for (items, every, sum, polls) in [(0..25u64, 10, 300, 3), (0..3u64, 2, 3, 2)] {
            let what = format!("sum_politely({items:?}, {every})");
            let run = Harness::new()
                .named(what.clone())
                .block_on(sum_politely(items, every));
            assert_eq!(run.output, sum, "{what} adds up every item");
            assert_eq!(
                run.polls,
                polls,
                "{what} yields after item {every}, 2 * {every}, ... (not after the first item): \
                 {} yields, so {polls} polls, not {}",
                polls - 1,
                run.polls
            );
        }
    }

    #[test]
    fn sum_politely_yields_every_n_items_and_lets_others_run() {
        let (sum, polls, ticks) = within(LIMIT, "sum_politely never finished", || {
            let exec = LocalExecutor::new();
            let (sum_fut, probe) =
                Probe::new("sum_politely(1..=100, 10)", sum_politely(1..=100, 10));
            let result = Rc::new(Cell::new(None));
            let ticks = Rc::new(Cell::new(0u32));
            let out = result.clone();
            exec.spawn(async move { out.set(Some(sum_fut.await)) });
            let (done, count) = (result.clone(), ticks.clone());
            exec.spawn(async move {
                // Another task: counts the turns it gets while the sum is running.
                while done.get().is_none() {
                    count.set(count.get() + 1);
                    shared::test_futures::YieldOnce::default().await;
                }
            });
            exec.run();
            (result.get(), probe.polls(), ticks.get())
        });
        assert_eq!(sum, Some(5050), "sum_politely(1..=100, _) adds up to 5050");
        assert_eq!(
            polls, 11,
            "100 items with a yield after every 10th: 10 yields, so 11 polls; it took {polls}. Do \
             not yield on every item (wasteful) or never (unfair)"
        );
        assert!(
            ticks >= 9,
            "another task got only {ticks} turns while the sum ran: the sum must yield (return \
             Pending through yield_now) every 10 items so the other task can run"
        );
    }
}

mod e05_timer {
    use super::*;
    use lesson_04::e05_timer::*;
    use shared::Harness;
    use shared::testing::{poll_with, wait_for_wakes, within};
    use shared::wakers::counting_waker;
    use std::sync::Mutex;
    use std::task::Wake;
    use std::thread::{self, ThreadId};
    use std::time::Instant;

    /// A waker that records which thread woke it, and when.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<(ThreadId, Instant)>>);

    impl Wake for Recorder {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0
                .lock()
                .unwrap()
                .push((thread::current().id(), Instant::now()));
        }
    }

    #[test]
    fn fifty_sleeps_are_woken_by_one_thread_each_at_its_deadline() {
        within(LIMIT, "fifty sleeps were never all woken", || {
            let timer = Timer::new();
            let mut sleeps = Vec::new();
            for i in 0..50u64 {
                let wait = Duration::from_millis(20 + (i * 7) % 40);
                let (made, sleep) = (Instant::now(), timer.sleep(wait));
                sleeps.push((sleep, Arc::new(Recorder::default()), made + wait));
            }
            let mut waiting = Vec::new();
            for (mut sleep, recorder, deadline) in sleeps {
                if poll_with(&mut sleep, &Waker::from(recorder.clone())).is_ready() {
                    // Possible on a very busy machine; then it needs no wake, but never early.
                    assert!(
                        Instant::now() >= deadline,
                        "a sleep was Ready before its deadline: never end a sleep early"
                    );
                } else {
                    waiting.push((sleep, recorder, deadline));
                }
            }
            let start = Instant::now();
            while waiting
                .iter()
                .any(|(_, r, _)| r.0.lock().unwrap().is_empty())
            {
                assert!(
                    start.elapsed() < Duration::from_secs(2),
                    "some sleeps were not woken 2 s after their deadlines of at most 60 ms: the \
                     timer thread must wake every registered sleep when its deadline passes"
                );
                thread::sleep(Duration::from_millis(2));
            }
            thread::sleep(Duration::from_millis(20)); // room for a wrong answer's extra wakes
            let mut wakers = Vec::new();
            for (i, (sleep, recorder, deadline)) in waiting.iter_mut().enumerate() {
                let wakes = recorder.0.lock().unwrap().clone();
                assert_eq!(
                    wakes.len(),
                    1,
                    "a sleep was woken {} times, not once",
                    wakes.len()
                );
                let (by, at) = wakes[0];
                assert!(
                    at >= *deadline,
                    "a sleep was woken {:?} before its deadline: never wake a sleep early",
                    *deadline - at
                );
                wakers.push(by);
                assert!(
                    poll_with(sleep, Waker::noop()).is_ready(),
                    "sleep {i}, polled after its wake, is Ready"
                );
            }
            let wakers: std::collections::HashSet<_> = wakers.into_iter().collect();
            assert!(
                wakers.len() <= 1,
                "the sleeps were woken from {} different threads: one timer thread must serve \
                 them all (no thread per sleep)",
                wakers.len()
            );
            assert!(
                !wakers.contains(&thread::current().id()),
                "the sleeps must be woken by the timer thread, not by the thread that polls them"
            );
            assert_eq!(
                timer.pending(),
                0,
                "every sleep fired: none is pending any more"
            );
        });
    }

    #[test]
    fn time_starts_when_the_sleep_is_made() {
        let timer = Timer::new();
        let mut sleep = timer.sleep(Duration::from_millis(30));
        thread::sleep(Duration::from_millis(40));
        let (waker, _counts) = counting_waker();
        assert!(
            poll_with(&mut sleep, &waker).is_ready(),
            "a 30 ms sleep made 40 ms ago is Ready on its first poll: its deadline counts from \
             the call to Timer::sleep, not from the first poll"
        );
    }

    #[test]
    fn a_dropped_sleep_leaves_the_timer() {
        let timer = Timer::new();
        let mut sleep = timer.sleep(Duration::from_secs(10));
        let (waker, counts) = counting_waker();
        assert!(
            poll_with(&mut sleep, &waker).is_pending(),
            "a 10 s sleep polled at once is Pending"
        );
        assert_eq!(
            timer.pending(),
            1,
            "a polled sleep is registered with the timer"
        );
        cancel(sleep);
        assert_eq!(
            timer.pending(),
            0,
            "dropping a registered sleep (a cancelled wait) must remove it from the timer at once: \
             implement Drop for Sleep"
        );
        assert_eq!(
            counts.alive(),
            1,
            "after a sleep was dropped the timer still holds {} clone(s) of its waker: remove the \
             entry (and its waker) when the Sleep is dropped",
            counts.alive() - 1
        );
        assert_eq!(counts.total_wakes(), 0, "a dropped sleep is never woken");
    }

    #[test]
    fn only_the_latest_waker_is_woken() {
        let timer = Timer::new();
        let mut sleep = timer.sleep(Duration::from_millis(60));
        let (first, first_counts) = counting_waker();
        let (second, second_counts) = counting_waker();
        let pending = poll_with(&mut sleep, &first).is_pending();
        assert!(
            pending && poll_with(&mut sleep, &second).is_pending(),
            "a 60 ms sleep polled twice at once is Pending both times"
        );
        let woken = wait_for_wakes(
            &[first_counts.clone(), second_counts.clone()],
            Duration::from_secs(2),
            Duration::from_millis(20),
        );
        assert!(woken, "a polled 60 ms sleep was not woken within 2 s");
        assert_eq!(
            (first_counts.total_wakes(), second_counts.total_wakes()),
            (0, 1),
            "a sleep polled twice must be woken once, through the waker of its latest poll: \
             replace the stored waker on every poll"
        );
    }

    /// A waker that notes, on the thread that wakes it, how much that thread has slept and run.
    #[derive(Default)]
    struct TimerThreadUsage(Mutex<Vec<shared::cpu::Usage>>);

    impl Wake for TimerThreadUsage {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0
                .lock()
                .unwrap()
                .push(shared::cpu::Usage::this_thread());
        }
    }

    #[test]
    fn between_two_deadlines_the_timer_thread_sleeps_once() {
        let timer = Timer::new();
        let mut sleeps = [
            timer.sleep(Duration::from_millis(15)),
            timer.sleep(Duration::from_millis(95)),
        ];
        let seen = Arc::new(TimerThreadUsage::default());
        let waker = Waker::from(seen.clone());
        for sleep in &mut sleeps {
            assert!(
                poll_with(sleep, &waker).is_pending(),
                "a sleep polled long before its deadline is Pending"
            );
        }
        let watched = seen.clone();
        let usages = within(LIMIT, "the two sleeps were never woken", move || {
            while watched.0.lock().unwrap().len() < 2 {
                thread::sleep(Duration::from_millis(5));
            }
            watched.0.lock().unwrap().clone()
        });
        let between = usages[1].since(&usages[0]);
        assert!(
            between.voluntary_switches < 10 && between.cpu < Duration::from_millis(10),
            "between the deadlines at 15 ms and 95 ms the timer thread woke up {} times and used \
             {:?} of CPU: it must sleep until the next deadline (wait_timeout for exactly the time \
             left), not tick every millisecond or spin",
            between.voluntary_switches,
            between.cpu
        );
    }

    #[test]
    fn an_earlier_sleep_does_not_wait_for_a_later_one() {
        let timer = Timer::new();
        let mut long = timer.sleep(Duration::from_secs(3));
        assert!(
            poll_with(&mut long, Waker::noop()).is_pending(),
            "a 3 s sleep polled at once is Pending"
        );
        thread::sleep(Duration::from_millis(5)); // the timer thread now waits for the 3 s deadline
        let mut short = timer.sleep(Duration::from_millis(40));
        let (waker, counts) = counting_waker();
        assert!(
            poll_with(&mut short, &waker).is_pending(),
            "a 40 ms sleep polled at once is Pending"
        );
        let woken = wait_for_wakes(&[counts], Duration::from_secs(1), Duration::ZERO);
        assert!(
            woken,
            "a 40 ms sleep registered while the timer thread waited for a 3 s one was not woken \
             within 1 s: when a new sleep becomes the earliest, notify the timer thread so it \
             shortens its wait"
        );
    }

    #[test]
    fn under_the_harness_a_sleep_is_polled_twice_and_woken_once() {
        let timer = Timer::new();
        let run = Harness::new()
            .named("Timer::sleep(20 ms)")
            .block_on(timer.sleep(Duration::from_millis(20)));
        assert_eq!(
            (run.polls, run.wakes),
            (2, 1),
            "a sleep is polled once (Pending), woken once at its deadline, then Ready"
        );
    }
}

mod e06_worker_pool {
    use super::*;
    use lesson_04::e06_worker_pool::*;
    use shared::cpu::Usage;
    use shared::test_futures::WakeFromThread;
    use shared::testing::within;
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    use std::sync::{Barrier, Mutex};
    use std::thread;

    #[test]
    fn tasks_run_on_the_workers_and_join_waits_for_them_all() {
        let names = Arc::new(Mutex::new(Vec::new()));
        let late = Arc::new(AtomicBool::new(false));
        let (log, flag) = (names.clone(), late.clone());
        within(
            LIMIT,
            "Pool::join never returned: a queued task was never run (is a worker woken for every \
             queued task?), or join waits for tasks that already finished, or a task woken \
             during its poll was taken by a second worker while the first still had its future",
            move || {
                let pool = Pool::new(2);
                for _ in 0..8 {
                    let log = log.clone();
                    pool.spawn(async move {
                        let name = thread::current().name().unwrap_or("<unnamed>").to_string();
                        log.lock().unwrap().push(name);
                    });
                }
                pool.spawn(async move {
                    WakeFromThread::new(Duration::from_millis(30), ()).await;
                    flag.store(true, SeqCst);
                });
                pool.join();
            },
        );
        assert!(
            late.load(SeqCst),
            "Pool::join returned while a task was still waiting for another thread: join waits \
             until every spawned task has finished, not until the queue is empty"
        );
        let names = names.lock().unwrap().clone();
        assert_eq!(names.len(), 8, "all 8 spawned tasks ran");
        assert!(
            names.iter().all(|n| n.starts_with("gears-worker-")),
            "tasks must run on the pool's worker threads (named gears-worker-N), not elsewhere: \
             they ran on {names:?}"
        );
    }

    #[test]
    fn every_worker_is_woken_for_a_burst_of_tasks() {
        within(
            LIMIT,
            "3 tasks that can only finish together (each waits at a barrier for the other two) \
             never finished on a pool of 3 workers: the pool ran fewer than 3 at once. Start \
             `workers` threads, and wake one sleeping worker for every task you queue",
            || {
                let pool = Pool::new(3);
                thread::sleep(Duration::from_millis(20)); // let every worker go to sleep first
                let barrier = Arc::new(Barrier::new(3));
                for _ in 0..3 {
                    let barrier = barrier.clone();
                    // A test trick: this task blocks its worker until all three are running.
                    // Real tasks must never block like this (rule 3).
                    pool.spawn(async move {
                        barrier.wait();
                    });
                }
                pool.join();
            },
        );
    }

    /// Runs one task on each of the pool's `n` workers at once (they meet at a barrier, so no
    /// worker can take two) and returns what each worker thread has spent so far, by name.
    fn usage_of_each_worker(pool: &Pool, n: usize) -> Vec<(String, Usage)> {
        let barrier = Arc::new(Barrier::new(n));
        let report = Arc::new(Mutex::new(Vec::new()));
        for _ in 0..n {
            let (barrier, report) = (barrier.clone(), report.clone());
            // A test trick: each task blocks its worker until all of them run. Real tasks must
            // never block like this (rule 3).
            pool.spawn(async move {
                barrier.wait();
                let name = thread::current().name().unwrap_or("<unnamed>").to_string();
                report.lock().unwrap().push((name, Usage::this_thread()));
                barrier.wait();
            });
        }
        let start = std::time::Instant::now();
        while report.lock().unwrap().len() < n {
            assert!(
                start.elapsed() < Duration::from_secs(2),
                "{n} tasks that must run at the same time never did on a pool of {n} workers"
            );
            thread::sleep(Duration::from_millis(1));
        }
        let mut report = report.lock().unwrap().clone();
        report.sort_by(|a, b| a.0.cmp(&b.0));
        report
    }

    #[test]
    fn idle_workers_sleep() {
        let (before, after) = within(LIMIT, "Pool::join never returned", || {
            let pool = Pool::new(3);
            let before = usage_of_each_worker(&pool, 3);
            // Nothing to do for 80 ms, apart from one task that waits for another thread.
            pool.spawn(WakeFromThread::new(Duration::from_millis(80), ()));
            thread::sleep(Duration::from_millis(90));
            let after = usage_of_each_worker(&pool, 3);
            pool.join();
            (before, after)
        });
        for ((name, was), (_, now)) in before.iter().zip(&after) {
            let idle = now.since(was);
            // A sleeping worker costs next to nothing. A spinning one either gets the CPU (and
            // shows it here) or, on a busy machine, is taken off it again and again.
            assert!(
                idle.cpu < Duration::from_millis(8) && idle.involuntary_switches < 30,
                "worker {name} used {:?} of CPU and was preempted {} times in 80 ms with nothing \
                 to do: an idle worker must sleep (Condvar::wait) until a task is queued, not \
                 spin or loop on yield_now",
                idle.cpu,
                idle.involuntary_switches
            );
            assert!(
                idle.voluntary_switches < 25,
                "worker {name} went to sleep and woke up {} times in 80 ms with nothing to do: it \
                 ticks (waits with a short timeout and looks again); wait until notified",
                idle.voluntary_switches
            );
        }
    }

    #[test]
    fn join_waits_for_a_task_that_is_out_of_the_queue() {
        // join is called only once the task has been polled and is waiting on another thread:
        // the queue is empty then, but the task is still alive, and join must wait for it.
        let polled = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicBool::new(false));
        let (seen, flag) = (polled.clone(), done.clone());
        within(
            LIMIT,
            "Pool::join never returned after its task had finished",
            move || {
                let pool = Pool::new(2);
                pool.spawn(async move {
                    seen.store(true, SeqCst);
                    WakeFromThread::new(Duration::from_millis(60), ()).await;
                    flag.store(true, SeqCst);
                });
                while !polled.load(SeqCst) {
                    thread::sleep(Duration::from_millis(1));
                }
                // Let the worker finish that first poll and put the task aside.
                thread::sleep(Duration::from_millis(10));
                pool.join();
            },
        );
        assert!(
            done.load(SeqCst),
            "Pool::join returned while its task was still waiting for a wake: an empty queue does \
             not mean every task is done (a pending task is out of the queue). Count live tasks \
             and wait until the count is zero"
        );
    }

    #[test]
    fn tasks_woken_as_the_workers_go_to_sleep_still_run() {
        within(
            LIMIT,
            "a task woken just as the workers went to sleep was never run (a lost wakeup in the \
             pool): decide 'the queue is empty' and start waiting under the lock that a wake \
             takes to push",
            || {
                for round in 0..100u64 {
                    let pool = Pool::new(2);
                    let done = Arc::new(AtomicBool::new(false));
                    let flag = done.clone();
                    pool.spawn(async move {
                        WakeFromThread::new(Duration::from_micros(round * 3 % 250), ()).await;
                        flag.store(true, SeqCst);
                    });
                    pool.join();
                    assert!(
                        done.load(SeqCst),
                        "round {round}: Pool::join returned before its task had finished: join \
                         must wait until every spawned task has finished, not until the queue is \
                         empty"
                    );
                }
            },
        );
    }
}
