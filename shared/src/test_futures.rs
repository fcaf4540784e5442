//! Ready-made futures for tests (contract skeleton).
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// `Pending` (waking itself first) `n` times, then `Ready(value)`.
pub struct ReadyAfter<T> {
    _value: Option<T>,
}
impl<T> ReadyAfter<T> {
    /// Ready on poll `pendings + 1`.
    pub fn new(pendings: u32, value: T) -> Self {
        let _ = pendings;
        Self {
            _value: Some(value),
        }
    }
}
impl<T: Unpin> Future for ReadyAfter<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let _ = cx;
        todo!()
    }
}

/// Always `Pending`, never wakes: a stand-in for "something that never happens".
#[derive(Debug, Default)]
pub struct PendingForever;
impl Future for PendingForever {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

/// `Pending` once (waking itself), then `Ready(())`.
#[derive(Debug, Default)]
pub struct YieldOnce {
    _yielded: bool,
}
impl Future for YieldOnce {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let _ = cx;
        todo!()
    }
}

/// Ready with `value` once a helper thread, started on the first poll, wakes it after `delay`.
pub struct WakeFromThread<T> {
    _value: Option<T>,
}
impl<T> WakeFromThread<T> {
    /// One thread, started on first poll, sleeps `delay` then wakes the latest waker.
    pub fn new(delay: Duration, value: T) -> Self {
        let _ = delay;
        Self {
            _value: Some(value),
        }
    }
}
impl<T: Unpin> Future for WakeFromThread<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let _ = cx;
        todo!()
    }
}
