// A self-deadlock: with the locks in order, a transfer to the same account locks one tokio Mutex twice and waits for itself.
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
        audit.record(from, to, amount).await;
        true
    }
}
