// Breaks "a task only gives the thread back at a Pending .await": the loop never yields, so the heartbeat starves until the crunch is over.
//! # Exercise 5 — cooperative scheduling: give the thread back
//!
//! Tokio cannot interrupt a task. A task runs from the moment the scheduler calls `poll` until that
//! `poll` returns, and it only returns at an `.await` that is `Pending`. A loop that computes for a
//! long time without reaching such a point holds its worker thread for the whole time: on a
//! `current_thread` runtime every other task — heartbeats, timers, socket reads — simply stops.
//!
//! `tokio::task::yield_now().await` is the polite way out of a long loop: it returns `Pending`
//! once, after arranging to be woken again, so the scheduler gets to run everybody else before it
//! comes back to you. (`std::thread::yield_now()` is something else entirely: it asks the *OS* to
//! run another thread, while your task keeps the runtime's thread to itself.)
//!
//! Real CPU-heavy work belongs on `spawn_blocking` or a thread pool (lesson 01, exercise 5);
//! yielding is for loops that are long but must stay on the runtime.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The state [`crunch`] starts from.
pub const SEED: u64 = 0x9e37_79b9_7f4a_7c15;

/// [`crunch`] must yield to the scheduler at least once every this many rounds.
pub const MAX_ROUNDS_WITHOUT_YIELD: u64 = 256;

/// One round of work: a cheap, deterministic scramble of the state.
pub fn mix(state: u64) -> u64 {
    let x = state ^ (state >> 31);
    x.wrapping_mul(0xbf58_476d_1ce4_e5b9).rotate_left(17)
}

/// Applies [`mix`] `rounds` times to [`SEED`] and returns the final state.
///
/// After each round, stores the number of rounds completed so far in `progress`, so that other
/// tasks can watch. Yields to the scheduler at least every [`MAX_ROUNDS_WITHOUT_YIELD`] rounds, so
/// that other tasks on the same thread keep running while it crunches.
pub async fn crunch(rounds: u64, progress: Arc<AtomicU64>) -> u64 {
    let mut state = SEED;
    for done in 1..=rounds {
        state = mix(state);
        progress.store(done, Ordering::Relaxed);
    }
    state
}
