//! Hidden grading tests for lesson 04: the same promises as `tests/check.rs`, from other angles
//! (other orders, other threads, races run thousands of times, resources counted).
//!
//! Races are raced here: a wrong answer that loses one wake in a thousand fails, and every stress
//! loop is bounded and runs under `shared::testing::within`, so nothing hangs.

use std::sync::Arc;
use std::task::Waker;
use std::time::Duration;

/// Generous limit for real-thread tests: a correct answer needs a few milliseconds.
const LIMIT: Duration = Duration::from_secs(5);

mod e01_task_waker {
    use super::*;
    use lesson_04::e01_task_waker::*;
    use shared::testing::within;
    use std::sync::atomic::AtomicUsize;
    use std::sync::atomic::Ordering::SeqCst;
    use std::thread;

    #[test]
    fn schedule_reports_who_queued_the_task() {
        let queue = RunQueue::new();
        let task = Task::new(4, &queue);
        assert!(task.schedule(), "the first schedule() of an idle task queues it and returns true");
        assert!(!task.schedule(), "schedule() while queued returns false");
        assert!(queue.pop().is_some(), "the queued task can be popped");
        assert!(task.schedule(), "after the pop, schedule() queues the task again and returns true");
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
        assert_eq!(queue.len(), 100, "each of 100 tasks woken twice is on the queue once");
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
        within(LIMIT, "four threads waking one task never finished", move || {
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
        });
        assert_eq!(
            queue.len(),
            1,
            "2,000 wakes from four threads must leave the task on the queue exactly once"
        );
    }

    #[test]
    fn pops_racing_wakes_never_lose_or_double_the_task() {
        within(LIMIT, "a popping thread racing a waking thread never finished", || {
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
            assert_eq!(seen_twice, 0, "the task was seen on the queue twice while wakes raced pops");
            assert_eq!(
                task.is_scheduled(),
                queue.len() == 1,
                "after the race, is_scheduled() must agree with the queue: the flag and the queue \
                 went out of step (a wake was lost, or a stale flag blocks every future wake)"
            );
            task.schedule();
            assert_eq!(queue.len(), 1, "after the race the task can still be queued, once");
        });
    }

    #[test]
    fn wakes_racing_on_two_threads_queue_the_task_once() {
        const ROUNDS: usize = 20_000;
        let doubles = within(LIMIT, "20,000 rounds of two racing wakes never finished", || {
            let queue = RunQueue::new();
            let tasks: Arc<Vec<_>> = Arc::new((0..ROUNDS).map(|id| Task::new(id, &queue)).collect());
            let go = Arc::new(AtomicUsize::new(0));
            let done = Arc::new(AtomicUsize::new(0));
            let other = {
                let (tasks, go, done) = (tasks.clone(), go.clone(), done.clone());
                thread::spawn(move || {
                    let mut queued = Vec::with_capacity(ROUNDS);
                    for round in 0..ROUNDS {
                        spin_until(|| go.load(SeqCst) > round);
                        queued.push(tasks[round].schedule());
                        done.store(round + 1, SeqCst);
                    }
                    queued
                })
            };
            let mut here = Vec::with_capacity(ROUNDS);
            let mut lengths = Vec::with_capacity(ROUNDS);
            for round in 0..ROUNDS {
                // Both threads are spinning when the round starts, so their wakes really overlap.
                go.store(round + 1, SeqCst);
                here.push(tasks[round].schedule());
                spin_until(|| done.load(SeqCst) > round);
                lengths.push(queue.len());
                while queue.pop().is_some() {}
            }
            let there = other.join().expect("the waking thread panicked");
            (0..ROUNDS)
                .filter(|&r| lengths[r] != 1 || here[r] == there[r])
                .count()
        });
        assert_eq!(
            doubles, 0,
            "two threads woke the same task at the same moment, and in {doubles} of {ROUNDS} rounds \
             the task was not queued exactly once (or both or neither schedule() call returned \
             true): test-and-set the flag in one atomic step (AtomicBool::swap), not a load \
             followed by a store"
        );
    }

    /// Spins (politely) until `ready` says so.
    fn spin_until(ready: impl Fn() -> bool) {
        let mut spins = 0u32;
        while !ready() {
            spins += 1;
            if spins % 64 == 0 {
                thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    }
}
