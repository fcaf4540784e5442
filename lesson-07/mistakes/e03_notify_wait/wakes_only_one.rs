// notify_one wakes a single waiter (and stores a permit): changed() must wake every task waiting now.
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
        self.notify.notify_one();
    }

    pub async fn wait_until(&self, mut ready: impl FnMut() -> bool) {
        loop {
            let mut notified = Box::pin(self.notify.notified());
            notified.as_mut().enable();
            if ready() {
                return;
            }
            notified.await;
        }
    }
}
