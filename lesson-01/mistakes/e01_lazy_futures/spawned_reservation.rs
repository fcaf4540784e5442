// Breaks "each await finishes before the next line": the reservation is spawned as a task, which is only scheduled, so it first runs when checkout yields, after the charge and the receipt.
//! # e01 — Nothing runs until it is awaited
//!
//! Calling an `async fn` does not run it. It builds a future: a value that holds the function's
//! arguments and remembers where the function is up to. Nothing inside the body happens until
//! something *polls* that value — in everyday code, until you write `.await` on it (or hand it to an
//! executor that polls it for you). A future you create and then drop was never run at all.
//!
//! That makes futures *plans*, not *promises*. Coming from JavaScript or C#, where calling an async
//! function starts it, this is the first surprise of async Rust, and the first source of bugs.
//!
//! ## The task
//!
//! The shop's checkout has three steps, each an `async fn` that writes a line into a [`Journal`]:
//!
//! 1. [`reserve`] the stock — it talks to the warehouse, so it has to wait (it is suspended once
//!    before it writes `"reserved N items"`);
//! 2. [`charge`] the customer — writes `"charged T"`;
//! 3. [`send_receipt`] — writes `"receipt T"`.
//!
//! Write [`checkout`] so the journal shows exactly these three lines, in this order, where `N` is the
//! number of prices and `T` their sum, and return `T`. Charging before the stock is reserved is a bug.
//!
//! Two earlier attempts went wrong, and both are worth understanding before you start:
//!
//! - one "started" the reservation by calling `reserve(..)` without `.await`, assuming it would carry
//!   on in the background — the journal never showed a reservation at all;
//! - one ran `reserve` and `charge` together with `tokio::join!` "to save time" — the journal showed
//!   the charge *before* the reservation, because `join!` runs its futures concurrently, and while
//!   `reserve` waits for the warehouse, `charge` gets to run.
//!
//! Nothing else in the journal, and nothing before the checkout future is awaited: the tests check
//! that too.
//!
//! The tools help here: rustc warns about a future that is built and never used (`unused_must_use`,
//! "futures do nothing unless you `.await` or poll them"), and clippy flags `let _ = some_future`.
//! Treat those warnings as bugs.

use std::sync::{Arc, Mutex};

/// An ordered record of side effects, shared by everything that writes to it.
///
/// Cloning a `Journal` gives another handle to the *same* record (it is an `Arc` inside), so a test
/// can keep one handle and read what the code under test wrote through another.
#[derive(Clone, Debug, Default)]
pub struct Journal {
    entries: Arc<Mutex<Vec<String>>>,
}

impl Journal {
    /// An empty journal.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one line.
    pub fn note(&self, entry: impl Into<String>) {
        self.entries
            .lock()
            .expect("journal lock poisoned")
            .push(entry.into());
    }

    /// A copy of every line so far, oldest first.
    pub fn entries(&self) -> Vec<String> {
        self.entries.lock().expect("journal lock poisoned").clone()
    }
}

/// Reserves `items` items at the warehouse, then notes `"reserved {items} items"`.
///
/// The warehouse is "remote": this future is suspended once (returns `Pending` to whoever polls it)
/// before it writes its line, the way a real network call would be.
pub async fn reserve(journal: &Journal, items: usize) {
    tokio::task::yield_now().await;
    journal.note(format!("reserved {items} items"));
}

/// Charges `total` and notes `"charged {total}"`.
pub async fn charge(journal: &Journal, total: u32) {
    journal.note(format!("charged {total}"));
}

/// Sends the receipt and notes `"receipt {total}"`.
pub async fn send_receipt(journal: &Journal, total: u32) {
    journal.note(format!("receipt {total}"));
}

/// Checks out a cart: reserve, then charge, then send the receipt. Returns the total.
///
/// Every step must have *finished* before the next one starts, and all three must happen.
pub async fn checkout(journal: &Journal, prices: &[u32]) -> u32 {
    let total: u32 = prices.iter().sum();
    // Each `.await` runs its future to completion before the next line starts, so the journal
    // order is the order of the awaits. Building a future is free; awaiting it is what runs it.
    let items = prices.len();
    let warehouse = journal.clone();
    let reservation = tokio::spawn(async move { reserve(&warehouse, items).await });
    charge(journal, total).await;
    send_receipt(journal, total).await;
    reservation.await.expect("the reservation panicked");
    total
}
