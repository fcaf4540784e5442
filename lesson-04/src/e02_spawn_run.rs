//! Exercise 2 — `spawn` and the run loop: poll a task only when its waker says so.
//!
//! Now the tasks get their futures. An [`Executor`] keeps a run queue of tasks, each one a boxed
//! future plus the "already scheduled" flag of exercise 1 and a way back to the queue. `spawn`
//! turns a future into a task and queues it; `run` takes tasks off the queue and polls each once,
//! with a waker made from the task (`Waker::from(Arc<Task>)`), until every task has finished.
//!
//! ## Your task
//!
//! * [`Executor::spawn`] queues a new task. It does not poll it: tasks first run inside
//!   [`Executor::run`], in the order they were spawned. A task may spawn more tasks through a
//!   clone of the executor.
//! * [`Executor::run`] returns once every spawned task has finished: not when the queue is empty
//!   (a task waiting for another thread is not on the queue, but it is not done either).
//! * A task is polled once when it is spawned and once after each wake: never busy-polled, and
//!   several wakes before the next poll count as one. A wake that lands *during* the task's poll
//!   (from the task itself, or another thread) must get it polled again.
//! * While no task is queued, `run` sleeps until a waker fires: no spinning, and no waking up
//!   every millisecond to look.
//! * A finished task is dropped and never polled again, even if an old waker of it fires later.
//!
//! ## Trade-offs
//!
//! A waker may be called from any thread, and it holds the task, so tasks must be `Send` and the
//! future sits behind a `Mutex`, though only the `run` thread ever locks it. Waiting for work is
//! easiest with one `Mutex` around the queue and the count of live tasks, and a `Condvar` next to
//! it: check "empty and tasks alive" and start waiting under the same lock a wake takes to push,
//! and no wake can slip in between. (`thread::park` works too, with the care lesson 02 took.)

use std::future::Future;

/// A small executor: spawn tasks, then `run` them all to completion on the calling thread.
/// Cloning gives another handle to the same executor, so tasks can spawn more tasks.
#[derive(Clone, Default)]
pub struct Executor {
    // Replace this placeholder with the shared state (queue, live-task count, a Condvar...).
    _todo: (),
}

impl Executor {
    /// An executor with no tasks.
    pub fn new() -> Self {
        todo!("an executor with an empty queue")
    }

    /// Queues `fut` as a new task. It is first polled by `run` (not here), after the tasks
    /// queued before it.
    pub fn spawn(&self, fut: impl Future<Output = ()> + Send + 'static) {
        drop(fut);
        todo!("box the future into an Arc<Task>, count it as alive, and queue it")
    }

    /// Runs every task (including tasks spawned meanwhile) to completion, then returns.
    ///
    /// Each task is polled once when spawned and once after each wake (several wakes before the
    /// poll count as one). While no task is queued, the thread sleeps until a waker fires.
    pub fn run(&self) {
        todo!("pop, clear the flag, poll with the task's own waker; wait while nothing is queued")
    }
}
