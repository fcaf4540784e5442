// Breaks 'the latency counts from the moment the query is awaited' (a moment in time): creates the Sleep in into_future(), outside the async block, so time that passes before the first poll is wrongly taken off the latency.
//! Exercise 10 — `IntoFuture`: a builder you can `.await`.
//!
//! `.await` does not require a `Future`: it calls `IntoFuture::into_future` on its operand first
//! (every `Future` implements `IntoFuture` as itself). So a plain configuration struct can become
//! awaitable: set it up with builder methods, then `.await` it to run it.
//!
//! ```ignore
//! let parts = Search::new("gear").limit(2).await;
//! ```
//!
//! Our domain: searching a (pretend, in-memory) parts catalogue on a remote server. Building the
//! query is free and instant; only awaiting it "sends" it, which takes the query's latency.

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
    needle: String,
    limit: usize,
    latency: Duration,
}

impl Search {
    /// Searches for parts whose name contains `needle`: no limit, [`DEFAULT_LATENCY`].
    pub fn new(needle: &str) -> Self {
        Self {
            needle: needle.to_owned(),
            limit: usize::MAX,
            latency: DEFAULT_LATENCY,
        }
    }

    /// Returns at most `n` parts (the first `n` matches, in catalogue order).
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = n;
        self
    }

    /// How long the round trip to the server takes.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }
}

impl IntoFuture for Search {
    type Output = Vec<&'static str>;
    /// A boxed future: the simplest nameable type for "whatever an async block returns". `Send` so
    /// the query can be awaited inside `tokio::spawn`.
    type IntoFuture = Pin<Box<dyn Future<Output = Vec<&'static str>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        // Nothing happens here but packaging: the async block runs only when polled, so the
        // latency is counted from the first poll, like any lazy future.
        // "Start the round trip as soon as we know we will be awaited."
        let round_trip = tokio::time::sleep(self.latency);
        Box::pin(async move {
            round_trip.await;
            CATALOGUE
                .iter()
                .copied()
                .filter(|part| part.contains(self.needle.as_str()))
                .take(self.limit)
                .collect()
        })
    }
}
