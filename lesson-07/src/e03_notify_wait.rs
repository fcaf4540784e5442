//! Exercise 3 — waiting for a condition with `Notify`, without losing a wake.
//!
//! `tokio::sync::Notify` wakes tasks; it carries no data. The data (a flag, a counter, a queue)
//! lives elsewhere, behind its own lock or in an atomic, and the waiting code checks it. That
//! split opens a gap: a task checks, sees "not yet", and *then* starts listening. If the change
//! and its `changed()` land in between, nobody was listening, and the task waits for a wake that
//! already happened. This is the lost-notification race, and it is as old as condition variables.
//!
//! ## Your task
//!
//! Write [`Condition`] (it holds a `Notify`; add fields if you need them) so that:
//!
//! - [`Condition::changed`] wakes **every** task waiting right now (not just one), and does
//!   nothing harmful when nobody waits;
//! - [`Condition::wait_until`] returns once `ready()` returns true: at once, without waiting, if
//!   it already does; otherwise after a `changed()` that made it true. A `changed()` that left it
//!   false must not make `wait_until` return;
//! - a `changed()` that happens after a `ready()` returned false is never lost, even when it
//!   happens during that very call of `ready()`;
//! - between changes, a waiting task is not polled and `ready()` is not called (no loop around
//!   `yield_now`, no timeout that re-checks "just in case"): `ready()` runs once at the start and
//!   once after each wake.
//!
//! Read the docs of `Notify::notified`, `notify_waiters`, `notify_one` and `Notified::enable`
//! (in the pinned tokio) before you start: which of them stores a permit, and from when does a
//! `Notified` future count as listening?

use tokio::sync::Notify;

/// A place where tasks wait until a condition on some shared state holds.
#[derive(Debug, Default)]
pub struct Condition {
    notify: Notify,
}

impl Condition {
    /// A condition nobody waits on yet. (Given.)
    pub fn new() -> Self {
        Self::default()
    }

    /// Wakes every task waiting in [`Condition::wait_until`] right now, so that each checks again.
    /// Call it after every change to the state the waiters check.
    pub fn changed(&self) {
        let _ = &self.notify;
        todo!("wake every waiter")
    }

    /// Returns once `ready()` returns true; `ready()` is called at the start and after each wake.
    pub async fn wait_until(&self, ready: impl FnMut() -> bool) {
        let _ = ready;
        todo!("listen first, then check, then wait; loop")
    }
}
