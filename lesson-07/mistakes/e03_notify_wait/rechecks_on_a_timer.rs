// A timer as a safety net: check, then listen with a 10 ms timeout, so a lost wake is found late and the waiter wakes every 10 ms while nothing changes.
//! Check, then listen, with a 10 ms re-check as a safety net against lost wakes.
use tokio::sync::Notify;

/// A condition.
#[derive(Debug, Default)]
pub struct Condition {
    notify: Notify,
}

impl Condition {
    /// New.
    pub fn new() -> Self {
        Self::default()
    }

    /// Wake all.
    pub fn changed(&self) {
        self.notify.notify_waiters();
    }

    /// Wait.
    pub async fn wait_until(&self, mut ready: impl FnMut() -> bool) {
        while !ready() {
            let _ =
                tokio::time::timeout(std::time::Duration::from_millis(10), self.notify.notified())
                    .await;
        }
    }
}
