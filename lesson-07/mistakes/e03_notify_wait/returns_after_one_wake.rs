// One wake is taken as "ready": wait_until returns after any change, even one that left ready() false.
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
        let mut notified = Box::pin(self.notify.notified());
        notified.as_mut().enable();
        if ready() {
            return;
        }
        notified.await;
    }
}
