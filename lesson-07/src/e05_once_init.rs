//! Exercise 5 — async one-time initialisation with `OnceCell`.
//!
//! A connection pool, a loaded model, a parsed config file: made once, on first use, then shared.
//! Made *asynchronously*, because making it means waiting on the network or the disk. Three
//! things go wrong when this is written by hand: two early callers both make it (and one copy
//! leaks, or both connect); the callers who wait for the first one spin instead of sleeping; and a
//! failed attempt is remembered forever, so one network blip at start-up breaks the service until
//! it restarts.
//!
//! ## Your task
//!
//! Write [`Lazy`] (choose its fields) so that:
//!
//! - [`Lazy::get_or_init`] returns the value, running `init` only if nobody has made it yet;
//!   concurrent first callers run **one** `init` between them, and the others wait for it
//!   (asleep: they are not polled until it is done) and get a clone of its value;
//! - when `init` fails, its caller gets the `Err`, and nothing is stored: the next caller (one
//!   that was already waiting, or a later one) runs its own `init`. A waiter never receives
//!   somebody else's error;
//! - once a value is made, `init` never runs again; [`Lazy::get`] returns it (and `None` before)
//!   without waiting.
//!
//! `tokio::sync::OnceCell` is the tool (`std::sync::OnceLock` cannot wait asynchronously). Read
//! its methods first: one of them fits exactly.

use std::future::Future;
use std::marker::PhantomData;

/// Why an initialisation failed. (Given.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitError(pub String);

/// A value made on first use by an async `init`, then shared.
#[derive(Debug)]
pub struct Lazy<T> {
    // Replace with your fields.
    value: PhantomData<T>,
}

impl<T: Clone> Lazy<T> {
    /// Nothing made yet.
    pub fn new() -> Self {
        Self { value: PhantomData }
    }

    /// The value, made by `init` if nobody has made it yet (see the module docs for every
    /// promise: one init at a time, waiters asleep, errors not stored).
    pub async fn get_or_init<F, Fut>(&self, init: F) -> Result<T, InitError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, InitError>>,
    {
        let _ = (init, &self.value);
        todo!("one init at a time; an Err is returned, not stored")
    }

    /// The value if it has been made, without waiting and without making it.
    pub fn get(&self) -> Option<T> {
        todo!()
    }
}

impl<T: Clone> Default for Lazy<T> {
    fn default() -> Self {
        Self::new()
    }
}
