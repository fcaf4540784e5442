//! # e02 — Wait for three things at once
//!
//! A dashboard needs a user's profile, their orders and some tips, from three slow services. Written
//! the obvious way —
//!
//! ```ignore
//! let profile = fetch_profile(backend, user).await;
//! let orders = fetch_orders(backend, user).await;
//! let tips = fetch_tips(backend, user).await;
//! ```
//!
//! — the page takes as long as all three waits *added up*: each `.await` finishes one wait before the
//! next request is even made. Creating the three futures first and awaiting them one after another
//! changes nothing, because a future that is not being polled is not making progress (e01).
//!
//! `tokio::join!(a, b, c)` is one future that polls all three: whenever it is polled it gives each
//! unfinished child a turn, and it is ready when all of them are. The three waits then *overlap*, so
//! the page takes as long as the *slowest* service. That is concurrency: several things in progress at
//! once, on one thread, inside one task. No extra thread is involved.
//!
//! ## The task
//!
//! - [`load_dashboard`]: fetch the three parts concurrently. Total time = the longest latency.
//! - [`load_dashboards`]: load one dashboard per user, all concurrently, results in the same order as
//!   `users`. Total time = still the longest single latency, however many users there are.
//!   (`join!` takes a fixed number of futures; for a list, look at `futures::future::join_all`.)
//!
//! The tests run on a paused clock (`start_paused`): sleeping costs no real time, and
//! `tokio::time::Instant` reports exactly how much *virtual* time passed, so "took 500 ms, not
//! 1000 ms" is checked exactly.

use std::time::Duration;

use tokio::time::sleep;

/// How slow each service is. Tests pick the numbers.
#[derive(Clone, Debug)]
pub struct Backend {
    /// Time [`fetch_profile`] takes.
    pub profile_latency: Duration,
    /// Time [`fetch_orders`] takes.
    pub orders_latency: Duration,
    /// Time [`fetch_tips`] takes.
    pub tips_latency: Duration,
}

impl Backend {
    /// A backend whose services take the given numbers of milliseconds.
    pub fn millis(profile: u64, orders: u64, tips: u64) -> Self {
        Backend {
            profile_latency: Duration::from_millis(profile),
            orders_latency: Duration::from_millis(orders),
            tips_latency: Duration::from_millis(tips),
        }
    }
}

/// The user's display name, after `profile_latency`.
pub async fn fetch_profile(backend: &Backend, user: u32) -> String {
    sleep(backend.profile_latency).await;
    format!("user-{user}")
}

/// The user's order numbers, after `orders_latency`.
pub async fn fetch_orders(backend: &Backend, user: u32) -> Vec<u32> {
    sleep(backend.orders_latency).await;
    (1..=user % 4).map(|n| user * 100 + n).collect()
}

/// A few tips for the user, after `tips_latency`.
pub async fn fetch_tips(backend: &Backend, user: u32) -> Vec<String> {
    sleep(backend.tips_latency).await;
    vec![format!("tip {} for user-{user}", user % 7)]
}

/// Everything one page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dashboard {
    /// From [`fetch_profile`].
    pub profile: String,
    /// From [`fetch_orders`].
    pub orders: Vec<u32>,
    /// From [`fetch_tips`].
    pub tips: Vec<String>,
}

/// Fetches the three parts of `user`'s dashboard concurrently.
///
/// Takes as long as the slowest of the three services, not the sum.
pub async fn load_dashboard(backend: &Backend, user: u32) -> Dashboard {
    let _ = (backend, user);
    todo!("fetch profile, orders and tips concurrently")
}

/// Loads the dashboard of every user concurrently, in the order of `users`.
///
/// Takes as long as the slowest single service, however many users there are.
pub async fn load_dashboards(backend: &Backend, users: &[u32]) -> Vec<Dashboard> {
    let _ = (backend, users);
    todo!("load every user's dashboard concurrently")
}
