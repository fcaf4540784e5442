// Breaks "returns how many lines it appended": it returns the length of the whole log, which counts what other tasks (or earlier runs) put there too.
//! Exercise 3 — make a future `Send`, so that `tokio::spawn` takes it.
//!
//! On a multi-threaded runtime a task may be polled on one worker thread, park at an `.await`,
//! and be resumed on another. So `tokio::spawn` asks for a `Send` future: everything the future
//! keeps *across* an `.await` must be allowed to move between threads. An `Rc` (its count is not
//! atomic) or a `std::sync::MutexGuard` (it must be unlocked by the thread that locked it) alive
//! across an `.await` makes the whole future `!Send`, and the compiler refuses the spawn.
//!
//! The fix is almost never a different type. It is a different *shape*: keep what is not
//! `Send` out of the stretch between two awaits.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

/// Counts the words (split on whitespace) of every line that arrives, until `lines` closes.
pub async fn tally(mut lines: mpsc::Receiver<String>) -> BTreeMap<String, usize> {
    // The map is only ever touched by this one future: it needs no sharing at all, so no Rc
    // and no RefCell. A plain local is Send whenever its contents are.
    let mut counts = BTreeMap::new();
    while let Some(line) = lines.recv().await {
        for word in line.split_whitespace() {
            *counts.entry(word.to_string()).or_insert(0) += 1;
        }
    }
    counts
}

/// Appends every line that arrives to `log` as soon as it arrives, until `lines` closes;
/// returns how many lines it appended.
pub async fn record(log: Arc<Mutex<Vec<String>>>, mut lines: mpsc::Receiver<String>) -> usize {
    while let Some(line) = lines.recv().await {
        log.lock().expect("the log's lock is poisoned").push(line);
    }
    log.lock().expect("the log's lock is poisoned").len()
}
