// Breaks "iterators are lazy too": the spawning map is consumed by the await loop, so each task starts only after the previous one finished.
//! # e04 — Tasks run on their own
//!
//! A *future* only makes progress while something polls it. A *task* is a future that has been handed
//! to the runtime with `tokio::spawn`: from then on the runtime polls it whenever it can make
//! progress, whether or not anybody is waiting for its result. `spawn` returns a
//! [`JoinHandle`]; awaiting the handle gives you the task's output (wrapped in a `Result`, because
//! a task can panic or be cancelled — lesson 03 goes into that).
//!
//! So the two ways of "doing things at once" differ:
//!
//! - `join!` / `join_all` — several futures inside *one* task; they only run while that task is
//!   polling the join, and they stop if it is dropped;
//! - `spawn` — a separate task. `spawn` only *schedules* it and returns; the task's first poll
//!   comes when a runtime thread is free (on a one-thread runtime: once the spawner reaches an
//!   `.await` that is not ready). From then on it keeps going while you do other things, and it
//!   even survives dropping its `JoinHandle` (dropping the handle detaches the task, it does not
//!   cancel it). The price: the future must be `Send + 'static` (it may move to another thread and
//!   outlive the caller), so it owns its data instead of borrowing.
//!
//! ## The task
//!
//! - [`start_upload`]: start one [`upload`] as its own task and return its handle at once. The
//!   upload must finish on schedule even if nobody ever awaits the handle.
//! - [`upload_all`]: start every upload as a task, *then* collect the results; return the total
//!   bytes. Started together, they overlap: the whole batch takes as long as the slowest file.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinHandle;

/// One file to upload.
#[derive(Clone, Debug)]
pub struct Upload {
    /// File name, recorded in the [`Outbox`] once the upload is done.
    pub name: String,
    /// Size; [`upload`] returns it.
    pub bytes: usize,
    /// How long the upload takes.
    pub latency: Duration,
}

impl Upload {
    /// An upload of `bytes` bytes that takes `millis` milliseconds.
    pub fn new(name: &str, bytes: usize, millis: u64) -> Self {
        Upload {
            name: name.to_owned(),
            bytes,
            latency: Duration::from_millis(millis),
        }
    }
}

/// Where finished uploads are recorded. Clones share the same record.
#[derive(Clone, Debug, Default)]
pub struct Outbox {
    sent: Arc<Mutex<Vec<String>>>,
}

impl Outbox {
    /// An empty outbox.
    pub fn new() -> Self {
        Self::default()
    }

    /// Names of the finished uploads, in the order they finished.
    pub fn sent(&self) -> Vec<String> {
        self.sent.lock().expect("outbox lock poisoned").clone()
    }

    fn record(&self, name: String) {
        self.sent.lock().expect("outbox lock poisoned").push(name);
    }
}

/// Uploads `file`: waits `file.latency`, records the name in `outbox`, returns `file.bytes`.
///
/// It takes its arguments by value, so the future it returns owns everything it uses: it is
/// `Send + 'static` and can be spawned as it is.
pub async fn upload(file: Upload, outbox: Outbox) -> usize {
    tokio::time::sleep(file.latency).await;
    outbox.record(file.name);
    file.bytes
}

/// Hands the upload of `file` to the runtime as a task of its own; returns its handle at once.
///
/// Awaiting the handle yields `Ok(bytes)`. The upload happens whether or not the handle is awaited.
pub fn start_upload(file: Upload, outbox: &Outbox) -> JoinHandle<usize> {
    // `upload` owns its arguments, so its future is `Send + 'static`: exactly what `spawn` needs.
    // From this line on the runtime drives the upload; the handle is only for the result.
    tokio::spawn(upload(file, outbox.clone()))
}

/// Uploads every file concurrently, each in its own task, and returns the total bytes.
///
/// Takes as long as the slowest file. Panics if an upload task panicked.
pub async fn upload_all(files: Vec<Upload>, outbox: &Outbox) -> usize {
    // No `collect`: the map runs one item at a time, as the loop pulls it.
    let handles = files.into_iter().map(|file| start_upload(file, outbox));
    let mut total = 0;
    for handle in handles {
        total += handle.await.expect("an upload task panicked");
    }
    total
}
