// notify_one passed along: each woken waiter wakes the next, and the last one stores a permit that its own next wait takes at once, so it spins.
//! notify_one, and each woken waiter passes the wake on to the next.
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

    /// Wake one; it wakes the next.
    pub fn changed(&self) {
        self.notify.notify_one();
    }

    /// Wait.
    pub async fn wait_until(&self, mut ready: impl FnMut() -> bool) {
        loop {
            let mut notified = Box::pin(self.notify.notified());
            notified.as_mut().enable();
            if ready() {
                return;
            }
            notified.await;
            // Pass the wake on, so every waiter hears it.
            self.notify.notify_one();
        }
    }
}
