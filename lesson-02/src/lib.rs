//! # Lesson 02 — Futures by hand
//!
//! Lesson 01 showed what futures *do*; this one opens them up. You write futures with nothing but
//! the `Future` trait: a future that counts its own polls, one woken from another thread, a timer,
//! the state machine behind `.await`, the combinators `Then`, `Join` and `Fuse`, wrappers around
//! tokio's timer, an awaitable builder, and finally `block_on`, the executor that polls them all.
//! Read `README.md` first; each module below is one exercise, in the order to do them.

#[cfg_attr(feature = "solution", path = "../solutions/e01_ratchet.rs")]
pub mod e01_ratchet;
#[cfg_attr(feature = "solution", path = "../solutions/e02_bell.rs")]
pub mod e02_bell;
#[cfg_attr(feature = "solution", path = "../solutions/e03_delay.rs")]
pub mod e03_delay;
#[cfg_attr(feature = "solution", path = "../solutions/e04_measure.rs")]
pub mod e04_measure;
#[cfg_attr(feature = "solution", path = "../solutions/e05_then.rs")]
pub mod e05_then;
#[cfg_attr(feature = "solution", path = "../solutions/e06_join.rs")]
pub mod e06_join;
#[cfg_attr(feature = "solution", path = "../solutions/e07_fuse.rs")]
pub mod e07_fuse;
#[cfg_attr(feature = "solution", path = "../solutions/e08_no_blocking.rs")]
pub mod e08_no_blocking;
#[cfg_attr(feature = "solution", path = "../solutions/e09_wrappers.rs")]
pub mod e09_wrappers;
#[cfg_attr(feature = "solution", path = "../solutions/e10_into_future.rs")]
pub mod e10_into_future;
#[cfg_attr(feature = "solution", path = "../solutions/e11_block_on.rs")]
pub mod e11_block_on;
