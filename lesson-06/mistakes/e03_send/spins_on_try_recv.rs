// Legal but wasteful: record is Send and logs each line at once, but waits by calling try_recv in a yield_now loop, so it keeps a worker thread busy the whole time it has nothing to do, instead of awaiting recv.
//! Exercise 3 — make a future `Send`, so that `tokio::spawn` takes it.
//!
//! A known-wrong answer, kept to prove the tests reject it: the first line says which promise it breaks.
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TryRecvError;
pub async fn tally(mut lines: mpsc::Receiver<String>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    while let Some(line) = lines.recv().await {
        for w in line.split_whitespace() {
            *counts.entry(w.to_string()).or_insert(0) += 1;
        }
    }
    counts
}
pub async fn record(log: Arc<Mutex<Vec<String>>>, mut lines: mpsc::Receiver<String>) -> usize {
    let mut n = 0;
    loop {
        let next = lines.try_recv();
        match next {
            Ok(line) => {
                log.lock().unwrap().push(line);
                n += 1;
            }
            Err(TryRecvError::Empty) => tokio::task::yield_now().await,
            Err(TryRecvError::Disconnected) => return n,
        }
    }
}
