// Breaks "tally's future is Send": Arc<RefCell<..>> is no better than Rc<RefCell<..>>, because Arc<T> is Send only if T is Sync, and a RefCell is not; the map needs no sharing at all.
//! Exercise 3 — make a future `Send`, so that `tokio::spawn` takes it.
//!
//! On a multi-threaded runtime a task may be polled on one worker thread, park at an `.await`,
//! and be resumed on another. So `tokio::spawn` asks for a `Send` future: everything the future
//! keeps *across* an `.await` must be allowed to move between threads. An `Rc` (its count is not
//! atomic) or a `std::sync::MutexGuard` (it must be unlocked by the thread that locked it) alive
//! across an `.await` makes the whole future `!Send`, and the compiler refuses the spawn.
//!
//! ## Your task
//!
//! The two functions below work, but only as *local* futures: awaited directly, or run with
//! `spawn_local`. The tests hand them to `tokio::spawn` on a multi-threaded runtime, which they
//! do not survive. Restructure each so that its future is `Send`, without changing what it does:
//!
//! - [`tally`] counts the words of every line until the channel closes;
//! - [`record`] appends each line to the shared log **as soon as it arrives** (another task may
//!   be reading the log meanwhile), never keeps the log locked while waiting for the next line,
//!   and returns how many lines *it* appended.
//!
//! To see the compiler's own explanation, add a scratch test that calls
//! `tokio::spawn(tally(rx))`: the error names the value that is not `Send` and the `.await` it
//! is held across. Read that error to the end; it is one of the most common in async Rust.
//!
//! Trade-off: `tokio::sync::Mutex` *can* be held across an `.await` (its guard is `Send`), but
//! then every other user of the log waits for as long as you wait for input. A short std lock
//! between awaits is cheaper and keeps the log available; reach for the tokio mutex only when
//! the critical section itself must await.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

/// Counts the words (split on whitespace) of every line that arrives, until `lines` closes.
///
/// Given code: a counting closure shares the map through `Rc<RefCell<..>>`, and the `Rc` is
/// alive across `lines.recv().await`.
pub async fn tally(mut lines: mpsc::Receiver<String>) -> BTreeMap<String, usize> {
    let counts = Arc::new(RefCell::new(BTreeMap::new()));
    let count = {
        let counts = Arc::clone(&counts);
        move |word: &str| *counts.borrow_mut().entry(word.to_string()).or_insert(0) += 1
    };
    while let Some(line) = lines.recv().await {
        line.split_whitespace().for_each(&count);
    }
    drop(count);
    counts.take()
}

/// Appends every line that arrives to `log` as soon as it arrives, until `lines` closes;
/// returns how many lines it appended.
pub async fn record(log: Arc<Mutex<Vec<String>>>, mut lines: mpsc::Receiver<String>) -> usize {
    let mut appended = 0;
    while let Some(line) = lines.recv().await {
        // Lock, push, unlock, all between two awaits: the guard is a temporary that dies at the
        // end of this statement, so it never lives across `recv().await`, and nobody else waits
        // for the lock while we wait for a line.
        log.lock().expect("the log's lock is poisoned").push(line);
        appended += 1;
    }
    appended
}
