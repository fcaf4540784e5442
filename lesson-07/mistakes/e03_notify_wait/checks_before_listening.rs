// The lost-notification race: ready() is checked before the Notified future exists, so a change in between is never seen.
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
            self.notify.notified().await;
        }
    }
}
