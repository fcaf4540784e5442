// Breaks "an idle worker sleeps" (no busy waiting): idle workers loop on yield_now, burning CPU while there is nothing to do.
//! Exercise 6 — several worker threads sharing one run queue.
//!
//! A pool of `n` threads, each running the loop of exercise 2 against one shared queue: pop a
//! task, poll it, repeat; with nothing queued, wait on a `Condvar`. Each push wakes one waiting
//! worker (`notify_one`), so a burst of `k` tasks wakes up to `k` workers.
//!
//! The delicate moment is a worker going to sleep just as a task is woken: "the queue is empty"
//! and "start waiting" must happen under the same lock the wake takes to push. `Condvar::wait`
//! releases that lock and starts waiting in one atomic step, so a push cannot land in between
//! and leave the task in the queue with every worker asleep.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Wake, Waker};
use std::thread;

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// A pool of worker threads that run spawned tasks.
pub struct Pool {
    shared: Arc<Shared>,
    workers: Vec<thread::JoinHandle<()>>,
}

struct Shared {
    state: Mutex<State>,
    /// Signalled when a task is queued (or the pool shuts down): wakes a sleeping worker.
    work: Condvar,
    /// Signalled when the last live task finishes: wakes `join`.
    all_done: Condvar,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Arc<Task>>,
    alive: usize,
    shutdown: bool,
}

struct Task {
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
            return;
        }
        self.shared.lock().queue.push_back(Arc::clone(self));
        // One task, one worker: with a burst of tasks every sleeping worker gets one.
        self.shared.work.notify_one();
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

impl Pool {
    /// Starts `workers` threads (at least one), named `gears-worker-0`, `gears-worker-1`, ...
    pub fn new(workers: usize) -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            work: Condvar::new(),
            all_done: Condvar::new(),
        });
        let workers = (0..workers.max(1))
            .map(|i| {
                let shared = Arc::clone(&shared);
                thread::Builder::new()
                    .name(format!("gears-worker-{i}"))
                    .spawn(move || worker(&shared))
                    .expect("spawning a worker thread")
            })
            .collect();
        Pool { shared, workers }
    }

    /// Queues `fut` as a task; some idle worker picks it up.
    pub fn spawn(&self, fut: impl Future<Output = ()> + Send + 'static) {
        let task = Arc::new(Task {
            future: Mutex::new(Some(Box::pin(fut))),
            scheduled: AtomicBool::new(false),
            shared: Arc::clone(&self.shared),
        });
        self.shared.lock().alive += 1;
        task.schedule();
    }

    /// Waits until every spawned task has finished, then stops the workers and waits for them.
    pub fn join(mut self) {
        let mut state = self.shared.lock();
        while state.alive > 0 {
            state = self
                .shared
                .all_done
                .wait(state)
                .unwrap_or_else(|p| p.into_inner());
        }
        drop(state);
        self.stop();
        for worker in self.workers.drain(..) {
            worker.join().expect("a worker thread panicked");
        }
    }

    fn stop(&self) {
        self.shared.lock().shutdown = true;
        self.shared.work.notify_all();
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // Dropped without join: let the workers go (they finish the poll they are in).
        self.stop();
    }
}

/// One worker: the run loop of exercise 2, sharing the queue with the other workers.
fn worker(shared: &Shared) {
    loop {
        let task = {
            let mut state = shared.lock();
            loop {
                if let Some(task) = state.queue.pop_front() {
                    break task;
                }
                if state.shutdown {
                    return;
                }
                drop(state);
                // Nothing to do: yield the CPU and look again.
                thread::yield_now();
                state = shared.lock();

            }
        };
        task.scheduled.store(false, Ordering::SeqCst);
        // If another worker is polling this task right now (it was woken during that poll),
        // this waits for that poll to end: a future is never polled by two threads at once.
        let mut slot = task.future.lock().unwrap_or_else(|p| p.into_inner());
        let Some(future) = slot.as_mut() else {
            continue;
        };
        let waker = Waker::from(Arc::clone(&task));
        if future.as_mut().poll(&mut Context::from_waker(&waker)).is_ready() {
            *slot = None;
            let mut state = shared.lock();
            state.alive -= 1;
            if state.alive == 0 {
                shared.all_done.notify_all();
            }
        }
    }
}
