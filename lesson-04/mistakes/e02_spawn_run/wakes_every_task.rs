// Breaks "a task is polled only after its own waker fired": a wake queues every task, so one busy task gets all the others polled for nothing.
//! Exercise 2 — `spawn` and the run loop: poll a task only when its waker says so.
//!
//! The executor keeps a run queue of tasks (exercise 1) and a count of tasks that have not finished.
//! `spawn` boxes the future into a task and queues it; `run` pops a task, polls it once, and
//! repeats. When the queue is empty but some tasks are still alive, `run` waits on a condition
//! variable until a wake pushes a task; when no task is alive any more, it returns.
//!
//! The queue and the condition variable share one mutex. That is what makes "the queue is empty,
//! so I wait" safe: a wake must take the same lock to push, so it cannot slip in between the check
//! and the wait and be missed.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Wake, Waker};

/// The future a task runs: boxed (tasks of different types share one queue) and `Send` (a waker
/// can be called from any thread, and it holds the task).
type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// A small executor: spawn tasks, then `run` them all to completion on the calling thread.
/// Cloning gives another handle to the same executor, so tasks can spawn more tasks.
#[derive(Clone, Default)]
pub struct Executor {
    shared: Arc<Shared>,
}

/// What the executor and every task's waker share.
#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    /// Signalled when a task is queued.
    woken: Condvar,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Arc<Task>>,
    /// Tasks spawned and not finished yet.
    alive: usize,
    /// Every task ever spawned.
    all: Vec<Arc<Task>>,
}

struct Task {
    /// `None` once the task has finished: a late wake must not poll it again (rule 1).
    future: Mutex<Option<BoxFuture>>,
    scheduled: AtomicBool,
    shared: Arc<Shared>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Task {
    fn schedule(self: &Arc<Self>) {
        if self.scheduled.swap(true, Ordering::SeqCst) {
            return; // already on the queue: one poll will see this wake's news too
        }
        self.shared.lock().queue.push_back(Arc::clone(self));
        self.shared.woken.notify_one();
    }
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Something happened somewhere: give every task a look.
        let all = self.shared.lock().all.clone();
        for task in all {
            task.schedule();
        }
    }
}

impl Executor {
    /// An executor with no tasks.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues `fut` as a new task. It is first polled by `run` (not here), after the tasks
    /// queued before it.
    pub fn spawn(&self, fut: impl Future<Output = ()> + Send + 'static) {
        let task = Arc::new(Task {
            future: Mutex::new(Some(Box::pin(fut))),
            scheduled: AtomicBool::new(false),
            shared: Arc::clone(&self.shared),
        });
        {
            let mut state = self.shared.lock();
            state.alive += 1;
            state.all.push(Arc::clone(&task));
        }
        task.schedule();
    }

    /// Runs every task (including tasks spawned meanwhile) to completion, then returns.
    ///
    /// Each task is polled once when spawned and once after each wake (several wakes before the
    /// poll count as one). While no task is queued, the thread sleeps until a waker fires.
    pub fn run(&self) {
        while let Some(task) = self.next_task() {
            // Clear the flag *before* polling: a wake during the poll queues the task again.
            task.scheduled.store(false, Ordering::SeqCst);
            let mut slot = task.future.lock().unwrap_or_else(|p| p.into_inner());
            let Some(future) = slot.as_mut() else {
                continue; // finished already; this was a late wake
            };
            let waker = Waker::from(Arc::clone(&task));
            if future
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_ready()
            {
                *slot = None; // drop the future now, and never poll it again
                self.shared.lock().alive -= 1;
            }
        }
    }

    /// The next queued task; waits while none is queued but some are alive; `None` when all are
    /// done.
    fn next_task(&self) -> Option<Arc<Task>> {
        let mut state = self.shared.lock();
        loop {
            if let Some(task) = state.queue.pop_front() {
                return Some(task);
            }
            if state.alive == 0 {
                return None;
            }
            state = self
                .shared
                .woken
                .wait(state)
                .unwrap_or_else(|p| p.into_inner());
        }
    }
}
