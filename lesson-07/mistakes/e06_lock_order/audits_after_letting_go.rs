// The audit runs after the locks are let go: the money moves atomically, but the record no longer agrees with the balances others read meanwhile.
//! Exercise 6 — a deadlock of two locks, and the fix (reference solution).
//!
//! Every transfer takes the two account locks in one global order, lower index first, whatever
//! the direction of the money. A cycle of waiting needs someone holding a higher lock while
//! waiting for a lower one, and nobody ever does that. A transfer to the same account takes one
//! lock, not the same lock twice.

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
    /// A bank with one account per balance.
    pub fn new(balances: &[u64]) -> Self {
        Self {
            accounts: balances.iter().map(|b| Mutex::new(*b)).collect(),
        }
    }
    /// Transfer: move the money under both locks, audit after letting go (no lock across a slow call).
    pub async fn transfer(&self, from: usize, to: usize, amount: u64, audit: &impl Audit) -> bool {
        if from == to {
            let balance = self.accounts[from].lock().await;
            return *balance >= amount;
        }
        {
            let (low, high) = (from.min(to), from.max(to));
            let mut low_balance = self.accounts[low].lock().await;
            let mut high_balance = self.accounts[high].lock().await;
            let (source, dest) = if from == low {
                (&mut *low_balance, &mut *high_balance)
            } else {
                (&mut *high_balance, &mut *low_balance)
            };
            if *source < amount {
                return false;
            }
            *source -= amount;
            *dest += amount;
        }
        audit.record(from, to, amount).await;
        true
    }

    /// The balance of one account.
    pub async fn balance(&self, account: usize) -> u64 {
        *self.accounts[account].lock().await
    }

    /// Total.
    pub async fn total(&self) -> u64 {
        let mut guards = Vec::new();
        for account in &self.accounts {
            guards.push(account.lock().await);
        }
        guards.iter().map(|g| **g).sum()
    }
}
