//! Exercise 1 — a ratchet: a future that needs a given number of polls.
//!
//! The smallest honest future there is. It holds no timer and no socket; each `poll` moves it one
//! click closer to done. It exists to show the two halves of the contract at work:
//!
//! * while there is work left, `poll` returns `Poll::Pending`;
//! * before returning `Pending`, the future arranges for someone to call its waker (rule 2). Nothing
//!   else in the world will ever wake a ratchet, so it must wake itself.
//!
//! ## Your task
//!
//! Give [`Ratchet`] the fields it needs and implement [`Future`] for it:
//!
//! * `Ratchet::new(n)` answers `Pending` exactly `n` times, then `Ready`;
//! * its output is the number of times it was polled, the `Ready` poll included
//!   (`Ratchet::new(3).await == 4`);
//! * every `Pending` is preceded by a wake of the waker in `cx` (`cx.waker().wake_by_ref()`).
//!
//! Try the forgotten wake on purpose once: comment it out and run the check. The harness waits,
//! sees no wake arrive, and names the rule you broke. On a real runtime there is no such message:
//! the task just sleeps forever.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that answers `Pending` exactly `clicks` times, then `Ready`.
///
/// Its output is the number of times it was polled, the `Ready` poll included, so
/// `Ratchet::new(3).await` evaluates to `4`.
#[derive(Debug)]
pub struct Ratchet {
    // Replace this placeholder with the state you need (how many clicks are left? how many polls so
    // far?). It only exists so the stub compiles.
    _todo: (),
}

impl Ratchet {
    /// A ratchet that must click `clicks` times before it is done.
    pub fn new(clicks: u32) -> Self {
        let _ = clicks;
        todo!("store how many clicks are left")
    }
}

impl Future for Ratchet {
    type Output = u32;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        // `Ratchet` is `Unpin`, so `mut self: Pin<&mut Self>` lets you write `self.field` directly.
        let _ = cx;
        todo!("count the poll; Pending (after a wake) while clicks remain, then Ready")
    }
}
