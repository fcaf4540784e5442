// Breaks "a wake after the pop queues the task again" (subtle, a moment in time): the flag is never cleared, so a task polled once can never be woken again.
//! Exercise 1 — a task and its waker: waking puts the task on the run queue, once.
//!
//! A task is the executor's record of one spawned future. Its waker must be able to say "poll
//! *this* task again" from any thread, so the waker is the task itself: an `Arc<Task>` that
//! implements `std::task::Wake`. Waking pushes a clone of that `Arc` onto the run queue.
//!
//! The `scheduled` flag keeps a task from sitting in the queue twice: it is set by the wake that
//! queues the task and cleared by the executor when it takes the task off the queue, i.e. just
//! *before* the poll. A wake that arrives during the poll then queues the task again, so it is
//! never lost. Setting the flag with one atomic `swap` (not a load, then a store) is what makes two
//! wakes racing on two threads agree on which of them does the push.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Wake;

/// The run queue: tasks waiting to be polled, oldest first. Cloning gives another handle to the
/// same queue.
#[derive(Clone, Default)]
pub struct RunQueue {
    tasks: Arc<Mutex<VecDeque<Arc<Task>>>>,
}

/// One task's scheduling state: its id, whether it is queued, and the queue it goes back on.
pub struct Task {
    id: usize,
    scheduled: AtomicBool,
    queue: RunQueue,
}

impl RunQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many tasks are waiting to be polled.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no task is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes the oldest waiting task off the queue, as the executor does just before polling it.
    ///
    /// From this moment the task is no longer scheduled: a wake that arrives afterwards, even
    /// while the task is being polled, puts it back on the queue.
    pub fn pop(&self) -> Option<Arc<Task>> {
        // The executor will clear the flag when it is done with the task... (it never does)
        self.lock().pop_front()
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<Arc<Task>>> {
        // A panic while holding the lock leaves the queue itself intact, so carry on.
        self.tasks.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Task {
    /// A new task with this id, not yet on `queue`.
    pub fn new(id: usize, queue: &RunQueue) -> Arc<Task> {
        Arc::new(Task {
            id,
            scheduled: AtomicBool::new(false),
            queue: queue.clone(),
        })
    }

    /// The id the task was made with.
    pub fn id(&self) -> usize {
        self.id
    }

    /// Whether the task is on the queue right now.
    pub fn is_scheduled(&self) -> bool {
        self.scheduled.load(Ordering::SeqCst)
    }

    /// Puts the task at the back of its queue unless it is already there; returns whether this
    /// call queued it.
    pub fn schedule(self: &Arc<Self>) -> bool {
        // `swap` reads and sets in one step: of two racing calls, exactly one sees `false`.
        if self.scheduled.swap(true, Ordering::SeqCst) {
            return false;
        }
        self.queue.lock().push_back(Arc::clone(self));
        true
    }
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        self.schedule();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.schedule();
    }
}
