//! # Lesson 01 — The mental model
//!
//! Before any `poll` by hand (that is lesson 02), this lesson builds the picture every later lesson
//! leans on: a future is a value that does nothing until something polls it, `async fn` is an ordinary
//! function that returns such a value, `join!` overlaps waits inside one task, `spawn` starts a task
//! that runs on its own, blocking a thread starves every task that shares it, and "many at once" still
//! needs a limit. Read `README.md` next to this file first, then solve the exercises in order with
//! `cargo xtask`.

#[cfg_attr(feature = "solution", path = "../solutions/e01_lazy_futures.rs")]
pub mod e01_lazy_futures;

#[cfg_attr(feature = "solution", path = "../solutions/e02_concurrent_awaits.rs")]
pub mod e02_concurrent_awaits;

#[cfg_attr(feature = "solution", path = "../solutions/e03_async_fn_desugared.rs")]
pub mod e03_async_fn_desugared;

#[cfg_attr(feature = "solution", path = "../solutions/e04_spawn_tasks.rs")]
pub mod e04_spawn_tasks;

#[cfg_attr(feature = "solution", path = "../solutions/e05_blocking.rs")]
pub mod e05_blocking;

#[cfg_attr(feature = "solution", path = "../solutions/e06_bounded_concurrency.rs")]
pub mod e06_bounded_concurrency;
