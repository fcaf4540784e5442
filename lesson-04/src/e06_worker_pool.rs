//! Exercise 6 — several worker threads sharing one run queue.
//!
//! One thread runs one task at a time. To use every core, a runtime runs the loop of exercise 2
//! on several *worker* threads at once, all taking tasks from the same queue. Two new questions
//! come with that: what does a worker do when the queue is empty (it must sleep, not spin), and
//! who wakes it when a task is queued (someone must, or a task sits in the queue while every
//! worker sleeps: a lost wakeup of the executor itself).
//!
//! ## Your task
//!
//! * [`Pool::new`] starts `workers` threads (at least one) named `gears-worker-0`,
//!   `gears-worker-1`, ... Each runs: take a task off the shared queue, poll it with its own
//!   waker (exercise 2's task, flag cleared before the poll), repeat.
//! * [`Pool::spawn`] queues a task. Every task queued while workers are idle wakes one of them,
//!   so `workers` tasks spawned together run at the same time, on `workers` threads.
//! * A worker with nothing to do sleeps until a task is queued: no spinning, no ticking.
//! * No lost wakeup: a task woken at the very moment every worker is going to sleep still runs.
//! * [`Pool::join`] waits until every spawned task has finished (not merely until the queue is
//!   empty), then stops the workers and waits for them to exit.
//!
//! ## Trade-offs
//!
//! The simplest correct design is one `Mutex` around { queue, live-task count, shutdown flag }
//! and two `Condvar`s: one that workers wait on (signal it with `notify_one` after each push), one
//! that `join` waits on (signal it when the live count reaches zero). A worker must decide
//! "queue empty, so I wait" and start waiting under the lock a push takes: `Condvar::wait(guard)`
//! does exactly that. One shared queue is also the pool's weak point: every push and pop of every
//! worker contends for that one lock. The README shows how tokio avoids it (a queue per worker
//! and work stealing).

use std::future::Future;

/// A pool of worker threads that run spawned tasks.
pub struct Pool {
    // Replace this placeholder with the shared state and the workers' JoinHandles.
    _todo: (),
}

impl Pool {
    /// Starts `workers` threads (at least one), named `gears-worker-0`, `gears-worker-1`, ...
    pub fn new(workers: usize) -> Self {
        let _ = workers;
        todo!("the shared state, then the worker threads, each running the pop-poll-wait loop")
    }

    /// Queues `fut` as a task; some idle worker picks it up.
    pub fn spawn(&self, fut: impl Future<Output = ()> + Send + 'static) {
        drop(fut);
        todo!("count the task as alive, queue it, wake one waiting worker")
    }

    /// Waits until every spawned task has finished, then stops the workers and waits for them.
    pub fn join(self) {
        todo!("wait for the live count to reach zero; then shut down and join the workers")
    }
}
