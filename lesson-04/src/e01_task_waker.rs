//! Exercise 1 — a task and its waker: waking puts the task on the run queue, once.
//!
//! An executor with many tasks must know, when a waker fires, *which* task to poll. So each task
//! gets a waker of its own, and the easiest waker to build is the task itself: an `Arc<Task>`
//! whose type implements `std::task::Wake`. `Waker::from(task)` then turns it into a `Waker`, and
//! every clone of that waker is just another reference to the same task.
//!
//! Waking a task means: put it on the **run queue**, the list of tasks the executor will poll
//! next. This exercise builds only that part (no futures yet; exercise 2 adds them).
//!
//! ## Your task
//!
//! * [`Task::new`] makes a task that is *not* on the queue yet; [`Task::id`] returns its id.
//! * [`Task::schedule`] puts the task at the back of its queue and returns `true`, unless the task
//!   is already on the queue: then it does nothing and returns `false`. A task is never on the
//!   queue twice, however many wakes arrive before the executor gets to it: one poll sees all the
//!   news, and a second copy would mean a wasted (or worse, concurrent) poll.
//! * Waking the task's waker (`wake` or `wake_by_ref`, from any thread, through any clone) is
//!   [`Task::schedule`].
//! * [`RunQueue::pop`] takes the oldest task off the queue (first in, first out) and marks it not
//!   scheduled, *before* the executor polls it: a wake that arrives from then on, even in the
//!   middle of the poll, must queue the task again. [`RunQueue::len`] counts the waiting tasks.
//!
//! ## Trade-offs
//!
//! The "already scheduled" flag is one `AtomicBool` per task. Set it with a single atomic step
//! (`swap(true)` returns the old value): a `load` followed by a `store` lets two threads both see
//! `false` and both push. Clearing the flag *after* the poll instead of before it looks tidier and
//! loses every wake that lands during the poll.

use std::sync::Arc;
use std::task::Wake;

/// The run queue: tasks waiting to be polled, oldest first. Cloning gives another handle to the
/// same queue (the tasks need one, to put themselves back).
#[derive(Clone, Default)]
pub struct RunQueue {
    // Replace this placeholder with the shared queue (an `Arc<Mutex<VecDeque<Arc<Task>>>>`, say).
    _todo: (),
}

/// One task's scheduling state: its id, whether it is on the queue, and the queue it goes on.
pub struct Task {
    // Replace this placeholder with the task's fields.
    _todo: (),
}

impl RunQueue {
    /// An empty queue.
    pub fn new() -> Self {
        todo!("an empty queue")
    }

    /// How many tasks are waiting to be polled.
    pub fn len(&self) -> usize {
        todo!("the number of queued tasks")
    }

    /// Whether no task is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes the oldest waiting task off the queue, as the executor does just before polling it.
    /// From this moment the task is no longer scheduled: a later wake queues it again.
    pub fn pop(&self) -> Option<Arc<Task>> {
        todo!("pop the front task and clear its scheduled flag")
    }
}

impl Task {
    /// A new task with this id, not yet on `queue`.
    pub fn new(id: usize, queue: &RunQueue) -> Arc<Task> {
        let _ = (id, queue);
        todo!("an Arc<Task> holding the id, a cleared flag and a handle to the queue")
    }

    /// The id the task was made with.
    pub fn id(&self) -> usize {
        todo!("the id")
    }

    /// Whether the task is on the queue right now.
    pub fn is_scheduled(&self) -> bool {
        todo!("read the flag")
    }

    /// Puts the task at the back of its queue unless it is already there; returns whether this
    /// call queued it.
    pub fn schedule(self: &Arc<Self>) -> bool {
        todo!("set the flag in one atomic step; push a clone of the Arc only if it was clear")
    }
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        todo!("waking is scheduling")
    }
}
