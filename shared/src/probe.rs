//! `Probe`: a child-future wrapper for testing combinators (contract skeleton).
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Wraps a child future, counts its polls and panics if it is polled after `Ready`.
pub struct Probe<F> {
    _inner: Pin<Box<F>>,
}

/// Read-only view of a [`Probe`]'s counters, usable after the probe was moved into a combinator.
#[derive(Debug, Clone)]
pub struct ProbeHandle {}

impl ProbeHandle {
    /// How many times the probe was polled.
    pub fn polls(&self) -> u64 {
        todo!()
    }
    /// Whether the wrapped future has returned `Ready`.
    pub fn is_ready(&self) -> bool {
        todo!()
    }
    /// Whether the probe (and with it the wrapped future) has been dropped.
    pub fn is_dropped(&self) -> bool {
        todo!()
    }
}

impl<F: Future> Probe<F> {
    /// Wraps `fut`, naming it `name` in messages.
    pub fn new(name: &str, fut: F) -> (Self, ProbeHandle) {
        let _ = (name, fut);
        todo!()
    }
}

impl<F: Future> Future for Probe<F> {
    type Output = F::Output;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _ = cx;
        todo!()
    }
}
