// Breaks the output's promise (not a poll rule): counts only the Pending polls, so Ratchet::new(3) outputs 3 instead of 4 (the Ready poll is a poll too).
//! Exercise 1 — a ratchet: a future that needs a given number of polls.
//!
//! The smallest honest future there is. It holds no timer and no socket; each `poll` moves it one
//! click closer to done. Its only job is to show the two halves of the contract at work: it returns
//! `Poll::Pending` while there is work left, and because nothing else in the world will ever wake it,
//! it wakes itself (rule 2) before every `Pending`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that answers `Pending` exactly `clicks` times, then `Ready`.
///
/// Its output is the number of times it was polled, the `Ready` poll included, so
/// `Ratchet::new(3).await` evaluates to `4`.
#[derive(Debug)]
pub struct Ratchet {
    /// Clicks still to go before we can report `Ready`.
    remaining: u32,
    /// Polls seen so far, reported as the output.
    polls: u32,
}

impl Ratchet {
    /// A ratchet that must click `clicks` times before it is done.
    pub fn new(clicks: u32) -> Self {
        Self {
            remaining: clicks,
            polls: 0,
        }
    }
}

impl Future for Ratchet {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        // `Ratchet` is `Unpin` (two plain integers), so the pinned reference derefs to `&mut Self`.
        if self.remaining == 0 {
            return Poll::Ready(self.polls);
        }
        self.polls += 1;
        self.remaining -= 1;
        // Rule 2: before returning `Pending`, arrange a wake. Nothing outside will ever make
        // progress for us, so we ask to be polled again right away. `wake_by_ref` avoids cloning the
        // waker, which is all we need since we do not keep it.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
