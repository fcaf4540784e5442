//! Exercise 10 — `IntoFuture`: a builder you can `.await`.
//!
//! `.await` does not require a `Future`. It first calls `IntoFuture::into_future` on whatever it
//! is given (every `Future` implements `IntoFuture` as itself, which is why you never noticed). So
//! a plain configuration struct can become awaitable: set it up with builder methods, then `.await`
//! it to run it:
//!
//! ```ignore
//! let parts = Search::new("gear").limit(2).await;
//! ```
//!
//! Our domain: searching a (pretend, in-memory) parts catalogue on a remote server. Building the
//! query is free and instant; only awaiting it "sends" it, and the answer arrives after the
//! query's latency.
//!
//! ## Your task
//!
//! * [`Search::new`], [`Search::limit`], [`Search::latency`]: a builder (each method takes `self`
//!   and returns it changed);
//! * `impl IntoFuture for Search`: the future waits for the latency (`tokio::time::sleep`, never
//!   `std::thread::sleep`: rule 3), then returns the catalogue entries that contain the needle, in
//!   catalogue order, at most `limit` of them.
//!
//! The associated type `IntoFuture` must be nameable; `Pin<Box<dyn Future<...> + Send>>` is the
//! easy choice. The latency counts from the moment the query is awaited, that is from the first
//! poll of the future `into_future` returns: not from when the builder was made, and not from the
//! `into_future` call either (a future may be made now and awaited later).

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

/// The parts the pretend server knows, in the order it returns them.
pub const CATALOGUE: &[&str] = &[
    "spur gear",
    "bevel gear",
    "ratchet wheel",
    "pawl",
    "worm gear",
    "worm shaft",
    "sprocket",
    "roller chain",
    "rack",
    "pinion",
    "helical gear",
    "clutch plate",
];

/// How long a search takes unless [`Search::latency`] says otherwise.
pub const DEFAULT_LATENCY: Duration = Duration::from_millis(10);

/// A catalogue search, configured with builder methods and run by `.await`.
#[derive(Debug, Clone)]
pub struct Search {
    // Replace this placeholder with the query's settings.
    _todo: (),
}

impl Search {
    /// Searches for parts whose name contains `needle`: no limit, [`DEFAULT_LATENCY`].
    pub fn new(needle: &str) -> Self {
        let _ = needle;
        todo!("store the needle and the defaults")
    }

    /// Returns at most `n` parts (the first `n` matches, in catalogue order).
    pub fn limit(self, n: usize) -> Self {
        let _ = n;
        todo!("change the limit and return self")
    }

    /// How long the round trip to the server takes.
    pub fn latency(self, latency: Duration) -> Self {
        let _ = latency;
        todo!("change the latency and return self")
    }
}

impl IntoFuture for Search {
    type Output = Vec<&'static str>;
    /// A boxed future: the simplest nameable type for "whatever an async block returns". `Send` so
    /// the query can be awaited inside `tokio::spawn`.
    type IntoFuture = Pin<Box<dyn Future<Output = Vec<&'static str>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        todo!("Box::pin(async move {{ wait the latency, then filter CATALOGUE }})")
    }
}
