// A busy wait: re-checking after every yield_now works, but polls and calls ready() nonstop while nothing changes.
use tokio::sync::Notify;

#[derive(Debug, Default)]
pub struct Condition {
    notify: Notify,
}

impl Condition {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn changed(&self) {
        self.notify.notify_waiters();
    }

    pub async fn wait_until(&self, mut ready: impl FnMut() -> bool) {
        while !ready() {
            tokio::task::yield_now().await;
        }
    }
}
