//! `LocalExecutor`: a single-threaded executor with tasks and a run queue.
//!
//! [`block_on`](fn@crate::block_on) drives *one* future. A real executor drives
//! many *tasks* (top-level futures) and only polls the ones that were woken.
//! This file is a small model of that, meant to be read:
//!
//! - each task lives in a table under a number (its id);
//! - the **run queue** holds the ids of tasks that should be polled;
//! - each task's waker knows its id, and `wake()` pushes that id onto the run
//!   queue and unparks the thread running [`LocalExecutor::run`];
//! - `run` pops an id, polls that task once, and repeats until every task has
//!   finished. With nothing in the queue it parks (sleeps) until a wake.
//!
//! The futures themselves need not be `Send` (that is what "local" means: they
//! never leave this thread). Wakers, though, must be `Send + Sync` because any
//! thread may call them, so a waker holds only the id and a handle to the
//! shared queue, never the future.
//!
//! ## Trade-off: "already scheduled"
//!
//! If a task is woken five times before it gets to run, should it be polled
//! five times? No: one poll sees all the news. So each task has a `scheduled`
//! flag; a wake only queues the id if the flag was clear, and `run` clears it
//! just *before* polling. Clearing before (not after) matters: a wake that
//! arrives *during* the poll queues the task again, so it is not lost. The
//! price is an atomic flag per task and, now and then, one extra poll that
//! finds nothing new — cheap compared with a lost wakeup.
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Wake, Waker};
use std::thread::{self, Thread};

use crate::wakers::lock;

/// A task: a boxed, pinned future that returns `()`.
type Task = Pin<Box<dyn Future<Output = ()>>>;

/// The run queue, shared by the executor and every waker.
struct RunQueue {
    ready: Mutex<VecDeque<usize>>,
    /// The thread inside `run`, to unpark when a task is queued.
    runner: Mutex<Option<Thread>>,
}

impl RunQueue {
    fn push(&self, id: usize) {
        lock(&self.ready).push_back(id);
        if let Some(thread) = lock(&self.runner).as_ref() {
            thread.unpark();
        }
    }
    fn pop(&self) -> Option<usize> {
        lock(&self.ready).pop_front()
    }
}

/// The waker of one task.
struct TaskWaker {
    id: usize,
    scheduled: AtomicBool,
    queue: Arc<RunQueue>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        // Queue the task only if it is not queued already.
        if !self.scheduled.swap(true, Ordering::AcqRel) {
            self.queue.push(self.id);
        }
    }
}

/// A single-threaded executor: [`spawn`](Self::spawn) tasks, then
/// [`run`](Self::run) until all are done.
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
/// use shared::executor::LocalExecutor;
/// use shared::test_futures::YieldOnce;
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let executor = LocalExecutor::new();
/// for name in ["a", "b"] {
///     let log = log.clone();
///     executor.spawn(async move {
///         log.borrow_mut().push(format!("{name} starts"));
///         YieldOnce::default().await; // let the other task run
///         log.borrow_mut().push(format!("{name} ends"));
///     });
/// }
/// executor.run();
/// assert_eq!(*log.borrow(), ["a starts", "b starts", "a ends", "b ends"]);
/// ```
pub struct LocalExecutor {
    tasks: RefCell<HashMap<usize, (Task, Arc<TaskWaker>)>>,
    next_id: RefCell<usize>,
    queue: Arc<RunQueue>,
}

impl Default for LocalExecutor {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalExecutor {
    /// A new executor with no tasks.
    pub fn new() -> Self {
        Self {
            tasks: RefCell::new(HashMap::new()),
            next_id: RefCell::new(0),
            queue: Arc::new(RunQueue {
                ready: Mutex::new(VecDeque::new()),
                runner: Mutex::new(None),
            }),
        }
    }

    /// Adds a task and queues it for its first poll. Nothing runs until
    /// [`LocalExecutor::run`] is called.
    pub fn spawn(&self, fut: impl Future<Output = ()> + 'static) {
        let id = {
            let mut next = self.next_id.borrow_mut();
            *next += 1;
            *next
        };
        let waker = Arc::new(TaskWaker {
            id,
            scheduled: AtomicBool::new(false),
            queue: self.queue.clone(),
        });
        self.tasks
            .borrow_mut()
            .insert(id, (Box::pin(fut), waker.clone()));
        waker.wake();
    }

    /// Runs until every spawned task has completed, sleeping while no task is
    /// queued.
    ///
    /// # Panics
    ///
    /// If tasks remain but none is queued and nobody holds any of their wakers,
    /// no wake can ever come: that is a lost wakeup (rule 2), and `run` panics
    /// saying so instead of sleeping forever. (If some waker is still held, by
    /// a thread that never calls it, `run` waits, as a real executor would.)
    pub fn run(&self) {
        *lock(&self.queue.runner) = Some(thread::current());
        let mut idle_checks = 0;
        while !self.tasks.borrow().is_empty() {
            let Some(id) = self.queue.pop() else {
                // Nothing to do: sleep until a waker unparks us. The timeout
                // only bounds how long before we re-check for a certain hang.
                idle_checks = if self.nobody_can_wake() {
                    idle_checks + 1
                } else {
                    0
                };
                if idle_checks >= 2 {
                    self.report_lost_wakeup();
                }
                thread::park_timeout(std::time::Duration::from_millis(20));
                continue;
            };
            idle_checks = 0;
            // Take the task out of the table while polling it, so the task may
            // itself call `spawn` on this executor.
            let Some((mut task, waker)) = self.tasks.borrow_mut().remove(&id) else {
                continue; // finished already; a late wake
            };
            // Clear the flag *before* polling: a wake during the poll re-queues.
            waker.scheduled.store(false, Ordering::Release);
            let std_waker = Waker::from(waker.clone());
            let mut cx = Context::from_waker(&std_waker);
            let done = task.as_mut().poll(&mut cx).is_ready();
            drop(std_waker);
            if !done {
                self.tasks.borrow_mut().insert(id, (task, waker));
            }
        }
        *lock(&self.queue.runner) = None;
    }

    /// True if no task is queued and no waker of a pending task is held
    /// anywhere: then no wake can ever come.
    fn nobody_can_wake(&self) -> bool {
        // Our table holds one `Arc` per task; any more are wakers held elsewhere.
        let held = self
            .tasks
            .borrow()
            .values()
            .any(|(_, w)| Arc::strong_count(w) > 1);
        !held && lock(&self.queue.ready).is_empty()
    }

    /// Panics with a rule-2 message (called after two idle checks in a row
    /// found that no wake can come).
    fn report_lost_wakeup(&self) -> ! {
        panic!(
            "lost wakeup (rule 2: arrange a wake before returning Pending): {} task(s) \
             returned Pending, but none of them kept its waker, so nothing can ever wake \
             them and LocalExecutor::run would wait forever.",
            self.tasks.borrow().len()
        );
    }
}
