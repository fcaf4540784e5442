// Breaks the burst promise: the bucket starts empty, so the first callers wait although nobody has used the limiter yet.
//! Exercise 3 — a token-bucket rate limiter: `acquire().await` admits callers at a fixed rate.
//!
//! A bucket holds up to `burst` tokens and gains one every `per_token`; each caller takes one
//! token, waiting for it if the bucket is empty. Over a long run that admits one caller per
//! `per_token`; after a quiet spell it lets a burst of up to `burst` through at once.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// Admits callers of [`acquire`](RateLimiter::acquire) at one per `per_token`, with bursts of up
/// to `burst`, in the order they started waiting.
#[derive(Debug)]
pub struct RateLimiter {
    per_token: Duration,
    burst: u32,
    /// tokio's `Mutex` queues waiters first come, first served, and it may be held across an
    /// `.await`: the caller at the head of the queue sleeps *holding* it, so nobody can overtake.
    bucket: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: u32,
    /// The instant the tokens were last counted up to. Advanced by whole tokens only, so the
    /// fraction of a token earned so far is never lost (or the rate would drift).
    counted_to: Instant,
}

impl RateLimiter {
    /// A limiter whose bucket starts full (`burst` tokens) and gains one token every `per_token`.
    ///
    /// # Panics
    ///
    /// If `per_token` is zero or `burst` is 0 (nobody could ever be admitted).
    pub fn new(per_token: Duration, burst: u32) -> Self {
        assert!(!per_token.is_zero(), "per_token must be more than zero");
        assert!(burst > 0, "burst must be at least 1");
        Self {
            per_token,
            burst,
            bucket: Mutex::new(Bucket {
                tokens: 0,
                counted_to: Instant::now(),
            }),
        }
    }

    /// Waits for a token and takes it. Callers are admitted in the order they started waiting.
    ///
    /// Cancel-safe: dropping the future before it finishes takes no token and lets the next
    /// caller move up.
    pub async fn acquire(&self) {
        let mut bucket = self.bucket.lock().await;
        loop {
            self.refill(&mut bucket, Instant::now());
            if bucket.tokens > 0 {
                bucket.tokens -= 1;
                return;
            }
            let next_token = bucket.counted_to + self.per_token;
            tokio::time::sleep_until(next_token).await;
        }
    }

    /// Adds the tokens earned since `counted_to`, up to `burst`.
    fn refill(&self, bucket: &mut Bucket, now: Instant) {
        let since = now.saturating_duration_since(bucket.counted_to);
        let earned = since.as_nanos() / self.per_token.as_nanos();
        if earned == 0 {
            return;
        }
        let earned = u32::try_from(earned).unwrap_or(u32::MAX);
        bucket.tokens = bucket.tokens.saturating_add(earned).min(self.burst);
        if bucket.tokens == self.burst {
            // A full bucket earns nothing: the time spent full is not saved up.
            bucket.counted_to = now;
        } else {
            bucket.counted_to += self.per_token * earned;
        }
    }
}
