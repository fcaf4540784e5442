// A busy retry: no deadlock, but a transfer that cannot get its second lock spins on try_lock and yield_now instead of waiting asleep.
use std::future::Future;
use tokio::sync::Mutex;

pub trait Audit: Sync {
    fn record(&self, from: usize, to: usize, amount: u64) -> impl Future<Output = ()> + Send;
}

#[derive(Debug)]
pub struct Bank {
    accounts: Vec<Mutex<u64>>,
}

impl Bank {
    pub fn new(balances: &[u64]) -> Self {
        Self {
            accounts: balances.iter().map(|b| Mutex::new(*b)).collect(),
        }
    }

    pub async fn balance(&self, account: usize) -> u64 {
        *self.accounts[account].lock().await
    }

    pub async fn total(&self) -> u64 {
        let mut guards = Vec::with_capacity(self.accounts.len());
        for account in &self.accounts {
            guards.push(account.lock().await);
        }
        guards.iter().map(|g| **g).sum()
    }


    pub async fn transfer(&self, from: usize, to: usize, amount: u64, audit: &impl Audit) -> bool {
        if from == to {
            return *self.accounts[from].lock().await >= amount;
        }
        loop {
            let mut source = self.accounts[from].lock().await;
            let Ok(mut dest) = self.accounts[to].try_lock() else {
                drop(source);
                tokio::task::yield_now().await;
                continue;
            };
            if *source < amount {
                return false;
            }
            *source -= amount;
            *dest += amount;
            audit.record(from, to, amount).await;
            return true;
        }
    }
}
