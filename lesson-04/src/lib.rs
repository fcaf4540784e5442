//! # Lesson 04 — Build an executor
//!
//! Lesson 02 ended with `block_on`, which drives one future; lesson 03 watched tokio drive many.
//! This lesson builds the inside of such a runtime: tasks with wakers of their own, a run queue,
//! `spawn`, join handles, `yield_now`, one timer thread for many sleeps, and a pool of worker
//! threads sharing one queue. Read `README.md` first; each module below is one exercise, in the
//! order to do them.

#[cfg_attr(feature = "solution", path = "../solutions/e01_task_waker.rs")]
pub mod e01_task_waker;
#[cfg_attr(feature = "solution", path = "../solutions/e02_spawn_run.rs")]
pub mod e02_spawn_run;
#[cfg_attr(feature = "solution", path = "../solutions/e03_join_handle.rs")]
pub mod e03_join_handle;
#[cfg_attr(feature = "solution", path = "../solutions/e04_yield_now.rs")]
pub mod e04_yield_now;
#[cfg_attr(feature = "solution", path = "../solutions/e05_timer.rs")]
pub mod e05_timer;
#[cfg_attr(feature = "solution", path = "../solutions/e06_worker_pool.rs")]
pub mod e06_worker_pool;
