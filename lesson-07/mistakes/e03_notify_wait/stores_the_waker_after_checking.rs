// The lost-notification race in a hand-written future: ready() is checked before the waker is stored, so a change during the check wakes nobody.
//! A hand-written future: check, then store the waker.
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use tokio::sync::Notify;

/// A condition.
#[derive(Debug, Default)]
pub struct Condition {
    notify: Notify,
    wakers: Mutex<Vec<Waker>>,
}

struct Wait<'a, R> {
    cond: &'a Condition,
    ready: R,
}

impl<R: FnMut() -> bool + Unpin> Future for Wait<'_, R> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if (self.ready)() {
            return Poll::Ready(());
        }
        self.cond
            .wakers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(cx.waker().clone());
        Poll::Pending
    }
}

impl Condition {
    /// New.
    pub fn new() -> Self {
        Self::default()
    }

    /// Wake all.
    pub fn changed(&self) {
        let _ = &self.notify;
        for w in self
            .wakers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain(..)
        {
            w.wake();
        }
    }

    /// Wait.
    pub async fn wait_until(&self, ready: impl FnMut() -> bool) {
        let mut ready = ready;
        Wait {
            cond: self,
            ready: &mut ready,
        }
        .await
    }
}
