//! # shared — the gears every Async Gears lesson turns
//!
//! Executors, test wakers and the instrumented poll harness used by the lessons and their tests.
//! (Module docs are filled in by the shared-harness issue.)
#![warn(missing_docs)]

pub mod block_on;
pub mod executor;
pub mod harness;
pub mod probe;
pub mod test_futures;
pub mod timeline;
pub mod verdict;
pub mod wakers;

pub use block_on::block_on;
pub use harness::{Diagnosis, Failure, Harness, Run};
pub use probe::{Probe, ProbeHandle};
