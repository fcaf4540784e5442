//! Exercise 4 — a live config: many readers, one writer at a time.
//!
//! A service reads its configuration on every request and changes it rarely: a reader-writer
//! lock fits. But "put it in a `RwLock`" leaves three decisions, and each has a bug behind it:
//!
//! - **what readers get.** A guard that stays alive while the request runs would keep writers
//!   out for as long as the slowest request; a clone of an `Arc<Config>` is a snapshot for free;
//! - **when the write lock is taken.** Preparing the next version may be slow (it is fetched,
//!   validated); holding the write lock meanwhile makes every reader wait for that;
//! - **who may prepare.** Two updates prepared from the same old version at the same time both
//!   succeed, and the second overwrites the first (a lost update).
//!
//! ## Your task
//!
//! Write [`LiveConfig`] (choose its fields) so that:
//!
//! - [`LiveConfig::read`] returns a whole version, old or new, never a mix of two: a reader who
//!   reads while an update is being prepared sees the old version, entirely;
//! - readers never wait for a writer's preparation: `read` returns at once, even while `prepare`
//!   takes 100 ms;
//! - [`LiveConfig::update`] runs `prepare` on the version in force and then puts its result in
//!   force; concurrent updates take turns, each starting from the version the one before it put
//!   in force, so none is lost (ten concurrent "version + 1" updates add ten);
//! - the new version is in force once `update` returns (and not before `prepare` finishes).
//!
//! About writer starvation: std's `RwLock` makes no fairness promise (on Linux a waiting writer
//! is preferred), tokio's `RwLock` is fair (first come, first served). Here the write lock is held
//! for one assignment, so it does not matter which you choose.

use std::future::Future;
use std::sync::Arc;

/// One version of the service's configuration. (Given.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Goes up by one with every update.
    pub version: u64,
    /// Where requests go.
    pub endpoint: String,
    /// How many copies serve them.
    pub replicas: u32,
}

/// The configuration in force, shared by every task of the service.
#[derive(Debug)]
pub struct LiveConfig {
    // Replace with your fields.
    initial: Config,
}

impl LiveConfig {
    /// Starts with `initial` in force.
    pub fn new(initial: Config) -> Self {
        Self { initial }
    }

    /// The configuration in force now: a whole version, old or new, never a mix.
    pub async fn read(&self) -> Arc<Config> {
        let _ = &self.initial;
        todo!("a snapshot of the version in force, without waiting for a writer")
    }

    /// Prepares the next configuration with `prepare` (given the version in force) and puts it in
    /// force; returns it. Updates take turns; readers never wait for `prepare`.
    pub async fn update<F, Fut>(&self, prepare: F) -> Arc<Config>
    where
        F: FnOnce(Arc<Config>) -> Fut,
        Fut: Future<Output = Config>,
    {
        let _ = prepare;
        todo!("take your turn, prepare from the version in force, then swap it in")
    }
}
