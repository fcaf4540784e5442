//! Exercise 6 — a deadlock of two locks, and the fix.
//!
//! Each account has its own lock, so that transfers between unrelated accounts run in parallel.
//! A transfer needs two of them, and holds both while the transfer is audited (an `.await`:
//! that is why these are `tokio::sync::Mutex`es). The given [`Bank::transfer`] takes the source
//! first, then the destination. Run "A pays B" and "B pays A" at the same time, and each takes
//! its first lock and waits forever for the other's: a deadlock. No error, no panic, no CPU
//! used: two tasks that never finish.
//!
//! ## Your task
//!
//! Fix [`Bank::transfer`] (and write [`Bank::total`]) so that:
//!
//! - transfers in any directions, at the same time, all finish (no deadlock, with any number of
//!   accounts and any cycle of transfers);
//! - a transfer is atomic: the money is never seen in flight. [`Bank::total`] (the sum of all
//!   balances at one moment) always equals the money in the bank, even while a transfer is in
//!   its audit. It takes every lock in the same global order as the transfers, and holds them
//!   all until it has added up (reading one account, letting it go, then the next, adds up
//!   different moments);
//! - the audit runs while both balances are still locked, so the record and the balances agree:
//!   nobody reads a balance whose transfer has not been recorded yet;
//! - `false` and nothing moved (nor audited) when the source has less than `amount`;
//! - a transfer from an account to itself moves nothing, returns whether the balance covers
//!   `amount`, and finishes (a tokio `Mutex` locked twice by one task waits for itself forever);
//! - a transfer that cannot take its locks yet waits for them asleep: no `try_lock` in a loop.
//!
//! The classic fix is a global lock order: every task takes locks in the same order (here, the
//! lower account index first), whatever the direction of the money.

use std::future::Future;
use tokio::sync::Mutex;

/// Told about every transfer while it happens. (Given; the tests bring their own, slow ones.)
pub trait Audit: Sync {
    /// Records that `amount` moved from account `from` to account `to`. Called while both
    /// balances are locked, so the record and the balances always agree. It may take a while.
    fn record(&self, from: usize, to: usize, amount: u64) -> impl Future<Output = ()> + Send;
}

/// Accounts with balances, each behind its own lock so that unrelated transfers run in parallel.
#[derive(Debug)]
pub struct Bank {
    accounts: Vec<Mutex<u64>>,
}

impl Bank {
    /// A bank with one account per balance. (Given.)
    pub fn new(balances: &[u64]) -> Self {
        Self {
            accounts: balances.iter().map(|b| Mutex::new(*b)).collect(),
        }
    }

    /// Moves `amount` from `from` to `to` and has it audited; `false` (and nothing moves, nothing
    /// is audited) if `from` has less than `amount`.
    ///
    /// The given code: it locks in the direction of the money. Fix it.
    pub async fn transfer(&self, from: usize, to: usize, amount: u64, audit: &impl Audit) -> bool {
        let mut source = self.accounts[from].lock().await;
        if *source < amount {
            return false;
        }
        // Check with the fraud desk before touching the destination (an .await, lock held).
        tokio::task::yield_now().await;
        let mut dest = self.accounts[to].lock().await;
        *source -= amount;
        *dest += amount;
        audit.record(from, to, amount).await;
        true
    }

    /// The balance of one account. (Given.)
    pub async fn balance(&self, account: usize) -> u64 {
        *self.accounts[account].lock().await
    }

    /// The sum of all balances, taken at one moment (with every account locked at once).
    pub async fn total(&self) -> u64 {
        todo!("lock every account, in the same global order as transfer, then add up")
    }
}
