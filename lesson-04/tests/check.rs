//! Visible tests for lesson 04, one module per exercise (`cargo xtask check lesson-04`).
//!
//! The executors of this lesson run on real threads, so every test that runs one does it under
//! `shared::testing::within`: an executor that hangs (a lost wakeup, a run loop that never ends)
//! fails with a sentence naming the promise instead of stopping the test run. Timings are kept
//! short and the margins wide, so the tests hold on a busy machine.

use std::sync::Arc;
use std::task::Waker;
use std::time::Duration;

/// Generous limit for real-thread tests: a correct answer needs a few milliseconds.
const LIMIT: Duration = Duration::from_secs(5);

mod e01_task_waker {
    use super::*;
    use lesson_04::e01_task_waker::*;

    #[test]
    fn a_new_task_is_not_on_the_queue() {
        let queue = RunQueue::new();
        let task = Task::new(7, &queue);
        assert_eq!(task.id(), 7, "Task::id returns the id the task was made with");
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
        assert!(task.is_scheduled(), "a queued task reports is_scheduled() == true");
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
        waker.clone().wake();
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
        assert!(queue.pop().is_none(), "the queue is empty once every wake was served");
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

}
