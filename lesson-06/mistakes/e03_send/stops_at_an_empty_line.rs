// Breaks "tally counts every line until the channel closes": it takes an empty line for the end of input and returns early, losing every line after it (the happy path only).
//! Exercise 3 — make a future `Send`, so that `tokio::spawn` takes it.
//!
//! A known-wrong answer, kept to prove the tests reject it: the first line says which promise it breaks.
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
pub async fn tally(mut lines: mpsc::Receiver<String>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    while let Some(line) = lines.recv().await {
        if line.is_empty() {
            break;
        }
        for w in line.split_whitespace() {
            *counts.entry(w.to_string()).or_insert(0) += 1;
        }
    }
    counts
}
pub async fn record(log: Arc<Mutex<Vec<String>>>, mut lines: mpsc::Receiver<String>) -> usize {
    let mut n = 0;
    while let Some(line) = lines.recv().await {
        log.lock().unwrap().push(line);
        n += 1;
    }
    n
}
