//! Test wakers (contract skeleton).
use std::sync::Arc;
use std::task::Waker;

/// What happened to a counting waker and its clones.
#[derive(Debug, Default)]
pub struct WakeCounts {}

impl WakeCounts {
    /// Calls to `wake()` (by value).
    pub fn wakes(&self) -> u64 {
        todo!()
    }
    /// Calls to `wake_by_ref()`.
    pub fn wake_by_refs(&self) -> u64 {
        todo!()
    }
    /// `wakes() + wake_by_refs()`.
    pub fn total_wakes(&self) -> u64 {
        todo!()
    }
    /// How many times the waker was cloned.
    pub fn clones(&self) -> u64 {
        todo!()
    }
    /// How many clones were dropped.
    pub fn drops(&self) -> u64 {
        todo!()
    }
}

/// A waker that counts wakes, clones and drops.
pub fn counting_waker() -> (Waker, Arc<WakeCounts>) {
    todo!()
}

/// The names of the threads a waker was woken from, in order.
#[derive(Debug, Default)]
pub struct WakeThreads {}

impl WakeThreads {
    /// Thread names (or `"<unnamed>"`) of every wake so far.
    pub fn names(&self) -> Vec<String> {
        todo!()
    }
}

/// A waker that records which thread woke it.
pub fn thread_recording_waker() -> (Waker, Arc<WakeThreads>) {
    todo!()
}

/// A waker that does nothing when woken.
pub fn noop_waker() -> Waker {
    Waker::noop().clone()
}
