//! Exercise 3 — a token-bucket rate limiter: `acquire().await` admits callers at a fixed rate.
//!
//! An API allows 100 requests a second; a crawler must not hit a site more than twice a second.
//! A *token bucket* is the usual answer: a bucket holds up to `burst` tokens and gains one every
//! `per_token`; each caller takes a token, and waits for one when the bucket is empty. Over a long
//! run that admits one caller per `per_token`; after a quiet spell up to `burst` go through at once.
//!
//! ## Your task
//!
//! Write [`RateLimiter`]:
//!
//! - `new(per_token, burst)`: the bucket starts **full** (`burst` tokens), counting from `new`;
//! - `acquire(&self)` takes a token, waiting (on tokio's timer, never spinning) until there is one;
//! - a full bucket gains nothing: after an hour idle, still only `burst` callers go through at once;
//! - the long-run rate is exact: after the first `burst`, caller `k` is admitted at
//!   `new + (k - burst + 1) * per_token`, give or take the timer's 1 ms tick, and that error must
//!   not add up: with `per_token` = 2.5 ms, 4000 callers take 9.975 s, not 12 s. (Count tokens
//!   from the instant the last whole token was earned, not from "now".)
//! - fair: callers are admitted in the order they called `acquire` (first come, first served);
//!   a newcomer never overtakes someone already waiting;
//! - cancel-safe: an `acquire` dropped before it returns (say, under a timeout) takes no token and
//!   holds up nobody queued behind it;
//! - `acquire` can be shared: `&self`, usable from many tasks through an `Arc`, and its future is
//!   `Send`.
//!
//! Hint of a design: `tokio::sync::Mutex` hands its lock out in the order it was asked for, and a
//! tokio mutex may be held across `.await`. What if the first waiter sleeps while holding it?
//!
//! Trade-off: one lock makes fairness easy, but every caller queues on it. A lock-free limiter
//! (an atomic "next free instant") scales better and is harder to make fair; tokio's own
//! `Semaphore` is fair too, and a limiter can be built on it with a task adding permits.

use std::marker::PhantomData;
use std::time::Duration;

/// Admits callers of [`acquire`](RateLimiter::acquire) at one per `per_token`, with bursts of up
/// to `burst`, in the order they started waiting.
#[derive(Debug)]
pub struct RateLimiter {
    // Replace this placeholder: the rate, the burst, and the bucket's state behind a lock.
    _todo: PhantomData<()>,
}

impl RateLimiter {
    /// A limiter whose bucket starts full (`burst` tokens) and gains one token every `per_token`.
    /// (You may panic if `per_token` is zero or `burst` is 0.)
    pub fn new(per_token: Duration, burst: u32) -> Self {
        let _ = (per_token, burst);
        todo!("store the rate and a full bucket, stamped with tokio::time::Instant::now()")
    }

    /// Waits for a token and takes it. Callers are admitted in the order they started waiting.
    pub async fn acquire(&self) {
        let _ = self;
        todo!("lock the bucket, add the tokens earned, take one or sleep until the next")
    }
}
