//! # Lesson 08 — Channels and actors
//!
//! Most production async Rust shares work by passing messages: one task owns the state and the
//! others talk to it through channels. You build a pipeline that pushes back when it is full, an
//! actor behind a handle, a broadcast that survives a slow listener, workers that follow a live
//! config, and two actors that call each other without deadlocking. Read `README.md` first; each
//! module below is one exercise, in the order to do them.

#[cfg_attr(feature = "solution", path = "../solutions/e01_pipeline.rs")]
pub mod e01_pipeline;
#[cfg_attr(feature = "solution", path = "../solutions/e02_kv_actor.rs")]
pub mod e02_kv_actor;
#[cfg_attr(feature = "solution", path = "../solutions/e03_broadcast.rs")]
pub mod e03_broadcast;
#[cfg_attr(feature = "solution", path = "../solutions/e04_watch_config.rs")]
pub mod e04_watch_config;
#[cfg_attr(feature = "solution", path = "../solutions/e05_actor_cycle.rs")]
pub mod e05_actor_cycle;
