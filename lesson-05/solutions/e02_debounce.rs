//! Exercise 2 — debounce: pass on a value only once things have gone quiet.
//!
//! A search box sends a query per keystroke; a file watcher reports every write of a save. Acting
//! on each event wastes work that the next event makes obsolete. A debouncer waits until no new
//! value has arrived for a quiet period, then passes on the *latest* value only.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, sleep};

/// Forwards values from `input` to `output`, one per burst: a value is sent once `quiet` has
/// passed without a newer value arriving, and then it is the newest one.
///
/// When `input` closes, a value still waiting is sent at once (no point waiting for a quiet
/// period: nothing can interrupt it now) and `debounce` returns. It also returns when `output` is
/// closed. While nothing is waiting it sleeps on the channel alone: no timer, no wake-ups.
pub async fn debounce<T>(mut input: mpsc::Receiver<T>, quiet: Duration, output: mpsc::Sender<T>) {
    let mut waiting: Option<T> = None;
    // One timer, re-armed with `reset` on every value, rather than a new `sleep` per value: the
    // same registration is moved instead of a new one made (and the old one dropped).
    let mut timer = Box::pin(sleep(quiet));
    loop {
        tokio::select! {
            received = input.recv() => match received {
                Some(value) => {
                    waiting = Some(value);
                    timer.as_mut().reset(Instant::now() + quiet);
                }
                None => {
                    if let Some(value) = waiting.take() {
                        let _ = output.send(value).await;
                    }
                    return;
                }
            },
            // The `if` guard keeps the timer out of the select while nothing waits: an idle
            // debouncer costs no wake-ups at all.
            () = timer.as_mut(), if waiting.is_some() => {
                if let Some(value) = waiting.take()
                    && output.send(value).await.is_err()
                {
                    return;
                }
            }
        }
    }
}
