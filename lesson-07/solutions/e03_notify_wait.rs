//! Exercise 3 — waiting for a condition with `Notify`, without losing a wake (reference solution).
//!
//! The order inside the loop is the whole exercise: make the `Notified` future and enable it,
//! *then* check. A `changed()` that lands after the check is then recorded by the future that is
//! already listening, and the `.await` returns at once.

use tokio::sync::Notify;

/// A place where tasks wait until a condition on some shared state holds.
#[derive(Debug, Default)]
pub struct Condition {
    notify: Notify,
}

impl Condition {
    /// A condition nobody waits on yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Wakes every task waiting in [`Condition::wait_until`] right now, so that each checks again.
    pub fn changed(&self) {
        self.notify.notify_waiters();
    }

    /// Returns once `ready()` returns true.
    pub async fn wait_until(&self, mut ready: impl FnMut() -> bool) {
        loop {
            let mut notified = Box::pin(self.notify.notified());
            // For notify_waiters a Notified listens from creation; enable() also makes it take
            // part in notify_one, and says plainly: "from here on, I am listening".
            notified.as_mut().enable();
            if ready() {
                return;
            }
            notified.await;
        }
    }
}
