//! # Lesson 07 — Shared state
//!
//! Tasks that share data share it through locks, and most async bug reports about locks are the
//! same few: a `std::sync::MutexGuard` alive across an `.await`, an async mutex held across a slow
//! call, a check and a wait with a gap between them, two locks taken in opposite orders. You fix
//! or build each one here: a counter, a cache that fetches once, a wait on a condition, a live
//! config, a one-time initialisation, and a bank whose transfers deadlock. Read `README.md`
//! first; each module below is one exercise, in the order to do them.

#[cfg_attr(feature = "solution", path = "../solutions/e01_guard_across_await.rs")]
pub mod e01_guard_across_await;
#[cfg_attr(feature = "solution", path = "../solutions/e02_async_cache.rs")]
pub mod e02_async_cache;
#[cfg_attr(feature = "solution", path = "../solutions/e03_notify_wait.rs")]
pub mod e03_notify_wait;
#[cfg_attr(feature = "solution", path = "../solutions/e04_rwlock_config.rs")]
pub mod e04_rwlock_config;
#[cfg_attr(feature = "solution", path = "../solutions/e05_once_init.rs")]
pub mod e05_once_init;
#[cfg_attr(feature = "solution", path = "../solutions/e06_lock_order.rs")]
pub mod e06_lock_order;
