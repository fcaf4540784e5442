// A deadlock: the locks are taken in the direction of the money, so two opposite transfers wait for each other forever.
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
        let mut source = self.accounts[from].lock().await;
        if *source < amount {
            return false;
        }
        tokio::task::yield_now().await;
        let mut dest = self.accounts[to].lock().await;
        *source -= amount;
        *dest += amount;
        audit.record(from, to, amount).await;
        true
    }
}
