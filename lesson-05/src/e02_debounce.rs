//! Exercise 2 — debounce: pass on a value only once things have gone quiet.
//!
//! A search box sends a query per keystroke; a file watcher reports every write of one save.
//! Acting on each event wastes work that the next event makes obsolete. A debouncer waits until
//! no new value has arrived for a *quiet period*, then passes on the newest value only: a burst of
//! events becomes one.
//!
//! ## Your task
//!
//! Write [`debounce`]. Its promises, all checked on tokio's paused clock:
//!
//! - a value is sent to `output` exactly `quiet` after it arrived, unless a newer value arrives
//!   first; then that newer one waits its own `quiet`, and so on. A burst (values closer together
//!   than `quiet`) gives one output, the last value, `quiet` after the last arrival;
//! - when `input` closes, a value still waiting is sent at once (nothing can supersede it any
//!   more), then `debounce` returns; it also returns when `output` is closed;
//! - while no value waits, it sleeps on the channel alone: no timer ticking, no wake-ups. An idle
//!   debouncer may wait for an hour; it must not be polled every `quiet` meanwhile.
//!
//! The tool for "whichever happens first: a new value or the quiet period ends" is
//! `tokio::select!`. Keep one timer, `Box::pin(tokio::time::sleep(quiet))`, and move its deadline
//! with `timer.as_mut().reset(Instant::now() + quiet)` when a value arrives; a select branch can
//! be switched off with `, if condition`.

use std::time::Duration;

use tokio::sync::mpsc;

/// Forwards values from `input` to `output`, one per burst: a value is sent once `quiet` has
/// passed without a newer one arriving. Flushes a waiting value at once when `input` closes, and
/// returns then (or when `output` is closed). Costs no wake-ups while nothing waits.
pub async fn debounce<T>(mut input: mpsc::Receiver<T>, quiet: Duration, output: mpsc::Sender<T>) {
    let _ = (&mut input, quiet, output);
    todo!("select! between input.recv() and a quiet-period timer that each value re-arms")
}
