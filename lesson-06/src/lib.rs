//! # Lesson 06 — Tasks
//!
//! Spawning a task takes one line; owning it takes care. You start tasks, collect what they
//! return, cancel them, survive their panics, make a future fit `tokio::spawn`'s `Send +
//! 'static` bound, bound how many run at once, and make sure none is left running unnoticed.
//! Read `README.md` first; each module below is one exercise, in the order to do them.

#[cfg_attr(feature = "solution", path = "../solutions/e01_fan_out.rs")]
pub mod e01_fan_out;
#[cfg_attr(feature = "solution", path = "../solutions/e02_panics.rs")]
pub mod e02_panics;
#[cfg_attr(feature = "solution", path = "../solutions/e03_send.rs")]
pub mod e03_send;
#[cfg_attr(feature = "solution", path = "../solutions/e04_pool.rs")]
pub mod e04_pool;
#[cfg_attr(feature = "solution", path = "../solutions/e05_stop.rs")]
pub mod e05_stop;
#[cfg_attr(feature = "solution", path = "../solutions/e06_scope.rs")]
pub mod e06_scope;
