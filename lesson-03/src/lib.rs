//! # Lesson 03 — A real runtime: Tokio
//!
//! Lesson 02 built futures by hand and drove them with a toy `block_on`. This lesson hands the same
//! futures to Tokio and looks at what a production runtime adds: runtimes assembled with
//! `tokio::runtime::Builder`, the bridge from synchronous code into async code, tasks and their
//! `JoinHandle`s, `LocalSet` for values that cannot cross threads, cooperative yielding, and an
//! instrumented future that reports how Tokio polls and wakes it. Read `README.md` first; each module
//! below is one exercise, in the order you should solve them.

#[cfg_attr(feature = "solution", path = "../solutions/e01_hand_built_runtimes.rs")]
pub mod e01_hand_built_runtimes;
#[cfg_attr(feature = "solution", path = "../solutions/e02_sync_bridge.rs")]
pub mod e02_sync_bridge;
#[cfg_attr(feature = "solution", path = "../solutions/e03_join_outcomes.rs")]
pub mod e03_join_outcomes;
#[cfg_attr(feature = "solution", path = "../solutions/e04_local_scoreboard.rs")]
pub mod e04_local_scoreboard;
#[cfg_attr(feature = "solution", path = "../solutions/e05_fair_cruncher.rs")]
pub mod e05_fair_cruncher;
#[cfg_attr(feature = "solution", path = "../solutions/e06_traced_task.rs")]
pub mod e06_traced_task;
