// Money in flight: each lock is released before the next is taken, so total() can see the amount in neither account.
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
        {
            let mut source = self.accounts[from].lock().await;
            if *source < amount {
                return false;
            }
            *source -= amount;
        }
        audit.record(from, to, amount).await;
        *self.accounts[to].lock().await += amount;
        true
    }
}
