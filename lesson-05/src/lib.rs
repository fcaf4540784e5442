//! # Lesson 05 — Time
//!
//! Timers are where async code meets the clock, and where tests usually turn slow and flaky. You
//! write the time-driven pieces every service needs (retry with backoff, debounce, a rate
//! limiter, a timeout, a ticking job, a deadline shared by several steps) on tokio's clock, and
//! see how paused time tests each one exactly, in microseconds. Read `README.md` first; each
//! module below is one exercise, in the order to do them.

#[cfg_attr(feature = "solution", path = "../solutions/e01_backoff.rs")]
pub mod e01_backoff;
#[cfg_attr(feature = "solution", path = "../solutions/e02_debounce.rs")]
pub mod e02_debounce;
#[cfg_attr(feature = "solution", path = "../solutions/e03_rate_limiter.rs")]
pub mod e03_rate_limiter;
#[cfg_attr(feature = "solution", path = "../solutions/e04_timeout.rs")]
pub mod e04_timeout;
#[cfg_attr(feature = "solution", path = "../solutions/e05_ticker.rs")]
pub mod e05_ticker;
#[cfg_attr(feature = "solution", path = "../solutions/e06_deadline.rs")]
pub mod e06_deadline;
